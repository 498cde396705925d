import { z } from "zod";
import type { LeadCreate, LeadCreateResult } from "../types.js";
import type { SalesforceSession } from "./auth.js";
import { chunks } from "./chunks.js";
import { classifyCode } from "./classify-error.js";
import { salesforceLimits } from "./limits.js";

/** UpsertResult: a SaveResult plus `created` (false: an existing record was updated). */
const upsertResultsSchema = z.array(
  z
    .object({
      id: z.string().nullable().optional(),
      success: z.boolean(),
      created: z.boolean().optional(),
      errors: z.array(z.object({ statusCode: z.string(), message: z.string() }).loose()).default([]),
    })
    .loose(),
);

/** Object and External ID field names come from the validated config; still only plain API names here. */
const apiName = /^[A-Za-z][A-Za-z0-9_]*$/;

/**
 * Leads for callers no record matched, as sObject Collections upserts on the admin's External ID
 * field (`PATCH composite/sobjects/<Object>/<Field>`, 200 a request, results in input order):
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_upsert.htm
 * An upsert is idempotent by the field's value, so a retry after a lost answer finds the record the
 * first attempt created instead of creating a second one; no lookup before it is needed.
 */
export async function createLeads(
  session: SalesforceSession,
  batch: readonly LeadCreate[],
): Promise<LeadCreateResult[]> {
  const results = new Map<number, LeadCreateResult>();
  const groups = new Map<string, number[]>();
  batch.forEach((item, i) => {
    const key = `${item.objectType}/${item.idField}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  for (const [key, indexes] of groups) {
    const [objectType, idField] = key.split("/") as [string, string];
    if (!apiName.test(objectType) || !apiName.test(idField))
      throw new Error(`not a Salesforce API name: ${key}`);
    for (const part of chunks(indexes, salesforceLimits.collectionSize)) {
      const body = {
        allOrNone: false,
        records: part.map((i) => {
          const item = batch[i] as LeadCreate;
          return { attributes: { type: objectType }, ...item.fields, [idField]: item.createId };
        }),
      };
      const raw = await session.call((conn) =>
        conn.requestPatch(`/composite/sobjects/${objectType}/${idField}`, body),
      );
      const answers = upsertResultsSchema.parse(raw);
      if (answers.length !== part.length)
        throw new Error(`sObject Collections answered ${answers.length} results for ${part.length} records`);
      part.forEach((i, at) => {
        const answer = answers[at];
        const createId = (batch[i] as LeadCreate).createId;
        if (answer?.success && answer.id) {
          results.set(i, { createId, ok: true, crmId: answer.id, created: answer.created ?? true });
          return;
        }
        const first = answer?.errors[0];
        results.set(i, {
          createId,
          ok: false,
          error: first
            ? classifyCode(first.statusCode, first.message)
            : { kind: "retry", reason: "lead not saved, no error given", ambiguous: false },
        });
      });
    }
  }
  return batch.map((_, i) => results.get(i) as LeadCreateResult);
}
