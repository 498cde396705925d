import { z } from "zod";
import { CrmError } from "../../src/errors.js";
import type { FieldDescription } from "../types.js";
import type { HubspotTransport } from "./transport.js";

const propertySchema = z.object({
  name: z.string(),
  label: z.string(),
  type: z.string(),
  fieldType: z.string().optional(),
  calculated: z.boolean().optional(),
  hasUniqueValue: z.boolean().optional(),
  options: z.array(z.object({ value: z.string(), hidden: z.boolean().optional() })).optional(),
  modificationMetadata: z.object({ readOnlyValue: z.boolean().optional() }).optional(),
});
const propertiesSchema = z.object({ results: z.array(propertySchema) });

/** `GET /calling/v1/dispositions`: the portal's call outcomes (six defaults plus custom ones). */
const dispositionsSchema = z.array(z.object({ id: z.string(), label: z.string() }));

/**
 * Fields of a CRM object from the properties API; enumeration options become `picklistValues`.
 * For `calls`, `hs_call_disposition` lists the portal's disposition GUIDs, so `telesync check` can
 * validate disposition mappings.
 */
export async function describeObject(
  transport: HubspotTransport,
  objectType: string,
): Promise<FieldDescription[]> {
  if (!/^[a-z0-9_-]+$/i.test(objectType)) throw new Error(`invalid HubSpot object type: ${objectType}`);
  const answer = propertiesSchema.parse(
    await transport.call(
      "properties.getAll",
      (client, options) => client.crm.properties.coreApi.getAll(objectType, false, undefined, options),
      { idempotent: true },
    ),
  );
  const fields: FieldDescription[] = answer.results.map((property) => {
    const field: FieldDescription = {
      name: property.name,
      label: property.label,
      type: property.type,
      updateable: !property.calculated && property.modificationMetadata?.readOnlyValue !== true,
      ...(property.hasUniqueValue ? { unique: true } : {}),
    };
    if (property.type === "enumeration" && property.options) {
      field.picklistValues = property.options.filter((o) => !o.hidden).map((o) => o.value);
    }
    return field;
  });
  const disposition = fields.find((f) => f.name === "hs_call_disposition");
  if (objectType === "calls" && disposition) {
    try {
      const dispositions = dispositionsSchema.parse(
        await transport.json("calling.dispositions", "GET", "/calling/v1/dispositions"),
      );
      disposition.picklistValues = dispositions.map((d) => d.id);
    } catch (error) {
      // Without the dispositions (scope missing, endpoint gone) the field is still described.
      if (!(error instanceof CrmError) || error.classification.kind !== "permanent") throw error;
    }
  }
  return fields;
}
