import { z } from "zod";
import { validationError } from "./errors.js";
import { customObject, engagementAssociationTypes, type ObjectType, standardTypeIds } from "./properties.js";
import type { RouteSpec } from "./route.js";
import type { HubspotSandbox } from "./sandbox.js";
import { objectTypeOr404, parseOr400, ReplyError } from "./wire.js";

const labelParams = z.object({ fromObjectType: z.string(), toObjectType: z.string() });

/** The object type id of a resolved object (standard id, or the custom object's). */
function typeIdOf(type: ObjectType): string {
  return type === "donors" ? customObject.objectTypeId : standardTypeIds[type];
}

/**
 * `GET /crm-object-schemas/v3/schemas` (the SDK's path; `/crm/v3/schemas` is the same API): the
 * portal's custom objects, each with `objectTypeId`, `fullyQualifiedName` (`p<hubId>_<name>`), its
 * properties and associations, as the schemas API documents them.
 * https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/schemas/get-schema
 */
function schemaBody(sandbox: HubspotSandbox): Record<string, unknown> {
  const at = new Date(0).toISOString();
  return {
    id: customObject.objectTypeId.slice(2),
    objectTypeId: customObject.objectTypeId,
    fullyQualifiedName: `p${sandbox.hubId}_${customObject.name}`,
    name: customObject.name,
    labels: customObject.labels,
    metaType: "PORTAL_SPECIFIC",
    primaryDisplayProperty: customObject.primaryDisplayProperty,
    requiredProperties: [customObject.primaryDisplayProperty],
    searchableProperties: [customObject.primaryDisplayProperty, "phone_number"],
    secondaryDisplayProperties: ["phone_number"],
    archived: false,
    createdAt: at,
    updatedAt: at,
    properties: sandbox.store.properties.donors.map((p) => ({
      name: p.name,
      label: p.label,
      type: p.type,
      fieldType: p.fieldType,
      groupName: "donor_information",
      options: (p.options ?? []).map((value, displayOrder) => ({
        label: value,
        value,
        displayOrder,
        hidden: false,
      })),
      calculated: false,
      externalOptions: false,
      hasUniqueValue: p.name === "hs_object_id",
      archived: false,
      createdAt: at,
      updatedAt: at,
    })),
    associations: [
      {
        id: "1201",
        fromObjectTypeId: customObject.objectTypeId,
        toObjectTypeId: "0-1",
        name: `${customObject.name}_to_contact`,
        createdAt: at,
        updatedAt: at,
      },
    ],
  };
}

/** Custom object schemas and v4 association labels. */
export function schemaRoutes(sandbox: HubspotSandbox): RouteSpec[] {
  const { store } = sandbox;
  const listSchemas = () => ({ status: 200, body: { results: [schemaBody(sandbox)] } });
  return [
    { method: "GET", url: "/crm-object-schemas/v3/schemas", kind: "schemas.getAll", handler: listSchemas },
    { method: "GET", url: "/crm/v3/schemas", kind: "schemas.getAll", handler: listSchemas },
    {
      // The association types between two objects: `{results: [{category, typeId, label}]}`, the
      // unlabeled type with `label: null`.
      // https://developers.hubspot.com/docs/api-reference/latest/crm/associations/associations-schema/guide
      method: "GET",
      url: "/crm/v4/associations/:fromObjectType/:toObjectType/labels",
      kind: "associations.labels",
      handler: ({ params }) => {
        const p = parseOr400(labelParams, params);
        const from = objectTypeOr404(store, p.fromObjectType);
        const to = objectTypeOr404(store, p.toObjectType);
        if (from !== "calls" && from !== "notes" && from !== "meetings")
          throw new ReplyError(
            validationError(
              `The sandbox lists associations from calls, notes and meetings, not ${typeIdOf(from)}`,
            ),
          );
        const type = engagementAssociationTypes[from][to];
        return {
          status: 200,
          body: { results: type ? [{ category: type.category, typeId: type.typeId, label: null }] : [] },
        };
      },
    },
  ];
}
