import { z } from "zod";
import type { FieldDescription } from "../types.js";
import type { SalesforceSession } from "./auth.js";
import type { FieldCatalog } from "./pull-shared.js";
import { objectNamePattern, SoqlBuildError } from "./soql.js";

/**
 * The parts of `GET sobjects/{T}/describe` telesync reads.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_sobject_describe.htm
 */
export const describeResultSchema = z.object({
  name: z.string(),
  fields: z.array(
    z
      .object({
        name: z.string(),
        label: z.string(),
        type: z.string(),
        updateable: z.boolean(),
        externalId: z.boolean().optional(),
        relationshipName: z.string().nullable().optional(),
        picklistValues: z
          .array(z.object({ value: z.string(), active: z.boolean().optional() }).loose())
          .nullable()
          .optional(),
      })
      .loose(),
  ),
});
export type DescribeResult = z.infer<typeof describeResultSchema>;

export async function describeObject(
  session: SalesforceSession,
  objectType: string,
): Promise<DescribeResult> {
  if (!objectNamePattern.test(objectType))
    throw new SoqlBuildError(`not an sObject name: ${JSON.stringify(objectType)}`);
  return describeResultSchema.parse(await session.call((conn) => conn.describe(objectType)));
}

export function toFieldDescriptions(result: DescribeResult): FieldDescription[] {
  return result.fields.map((field) => {
    const picklist = field.type === "picklist" || field.type === "multipicklist";
    const values = (field.picklistValues ?? []).filter((v) => v.active !== false).map((v) => v.value);
    return {
      name: field.name,
      label: field.label,
      type: field.type,
      updateable: field.updateable,
      ...(field.externalId ? { unique: true } : {}),
      ...(picklist ? { picklistValues: values } : {}),
    };
  });
}

export function toFieldCatalog(result: DescribeResult): FieldCatalog {
  return {
    fields: new Set(result.fields.map((f) => f.name.toLowerCase())),
    relationships: new Set(
      result.fields.flatMap((f) => (f.relationshipName ? [f.relationshipName.toLowerCase()] : [])),
    ),
  };
}
