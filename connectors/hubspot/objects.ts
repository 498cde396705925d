import { z } from "zod";

/**
 * HubSpot object type ids of the standard objects telesync touches ("Using the object APIs", object
 * type ids table): contacts 0-1, companies 0-2, notes 0-46, meetings 0-47, calls 0-48.
 */
export const standardObjectTypeIds: Readonly<Record<string, string>> = {
  contacts: "0-1",
  companies: "0-2",
  notes: "0-46",
  meetings: "0-47",
  calls: "0-48",
};

/** A custom object by its type id (`2-3508482`). */
export const customTypeIdPattern = /^2-\d+$/;
/**
 * A custom object by its fully qualified name (`p7878787_my_object`, schemas API) or the short form
 * `p_my_object`; the object name part is letters, digits and underscores, starting with a letter.
 */
export const customQualifiedNamePattern = /^p\d*_[A-Za-z][A-Za-z0-9_]*$/;

export function isCustomObject(name: string): boolean {
  return customTypeIdPattern.test(name) || customQualifiedNamePattern.test(name);
}

/**
 * An object a HubSpot source may pull: contacts, companies or a custom object (type id or fully
 * qualified name). Names are allow-listed: they go into URL paths.
 */
export const hubspotSourceObjectSchema = z
  .string()
  .refine(
    (name) => name === "contacts" || name === "companies" || isCustomObject(name),
    "expected contacts, companies, or a custom object's type id (2-3508482) or fully qualified name (p7878787_donors)",
  );

/** The property holding a record's last modified date: `lastmodifieddate` on contacts only. */
export function modifiedProperty(objectType: string): "lastmodifieddate" | "hs_lastmodifieddate" {
  return objectType === "contacts" ? "lastmodifieddate" : "hs_lastmodifieddate";
}

/** Properties a pull always reads: id, modified date, and merged ids where HubSpot merges records. */
export function systemProperties(objectType: string): string[] {
  const merges = objectType === "contacts" || objectType === "companies";
  return ["hs_object_id", modifiedProperty(objectType), ...(merges ? ["hs_merged_object_ids"] : [])];
}

/**
 * HubSpot-defined (unlabeled) association type ids from an engagement to a standard record (the
 * SDK's `AssociationTypes`, from HubSpot's association type id table): call→contact 194,
 * call→company 182, meeting→contact 200, meeting→company 188. Custom objects have portal-specific
 * ids, read from `GET /crm/v4/associations/{from}/{to}/labels`.
 */
export const definedAssociationTypes: Readonly<Record<"calls" | "meetings", Record<string, number>>> = {
  calls: { contacts: 194, companies: 182 },
  meetings: { contacts: 200, companies: 188 },
};

export interface AssociationType {
  category: "HUBSPOT_DEFINED" | "USER_DEFINED" | "INTEGRATOR_DEFINED";
  typeId: number;
}

/** A custom object's schema as `GET /crm-object-schemas/v3/schemas` lists it. */
export interface CustomObjectSchema {
  objectTypeId: string;
  fullyQualifiedName: string;
  name: string;
}

/** The standard or custom object type id of an object name, when known. */
export function typeIdOf(name: string, custom?: CustomObjectSchema): string | undefined {
  if (standardObjectTypeIds[name]) return standardObjectTypeIds[name];
  if (customTypeIdPattern.test(name)) return name;
  return custom?.objectTypeId;
}

/** Whether a schema is the one a configured name means (its type id, fully qualified or short name). */
export function schemaMatches(schema: CustomObjectSchema, name: string): boolean {
  return (
    schema.objectTypeId === name ||
    schema.fullyQualifiedName === name ||
    (name.startsWith("p_") && name.slice(2) === schema.name)
  );
}
