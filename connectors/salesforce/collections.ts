import { z } from "zod";
import type { ErrorClass } from "../../src/errors.js";
import type { SalesforceSession } from "./auth.js";
import { chunks } from "./chunks.js";
import { classifyCode } from "./classify-error.js";
import { salesforceLimits } from "./limits.js";

/**
 * sObject Collections: up to 200 records per request, `allOrNone: false`, one result per record in
 * input order: `[{id, success, errors: [{statusCode, message, fields}]}]`.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_create.htm
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_update.htm
 * jsforce never retries POST/PATCH (lib/request.js): a thrown error is the caller's to classify.
 */
export const saveResultsSchema = z.array(
  z
    .object({
      id: z.string().nullable().optional(),
      success: z.boolean(),
      errors: z
        .array(
          z
            .object({ statusCode: z.string(), message: z.string(), fields: z.array(z.string()).optional() })
            .loose(),
        )
        .default([]),
    })
    .loose(),
);

export type SaveOutcome = { ok: true; id: string } | { ok: false; error: ErrorClass };

export interface NewRecord {
  type: string;
  fields: Record<string, unknown>;
}

export interface RecordUpdate extends NewRecord {
  id: string;
}

function outcomes(raw: unknown, expected: number, ids?: readonly string[]): SaveOutcome[] {
  const results = saveResultsSchema.parse(raw);
  if (results.length !== expected) {
    throw new Error(`sObject Collections answered ${results.length} results for ${expected} records`);
  }
  return results.map((result, i): SaveOutcome => {
    const id = result.id ?? ids?.[i];
    if (result.success && id) return { ok: true, id };
    const first = result.errors[0];
    if (!first)
      return {
        ok: false,
        error: { kind: "retry", reason: "record not saved, no error given", ambiguous: false },
      };
    const fields = first.fields?.length ? ` (${first.fields.join(", ")})` : "";
    return { ok: false, error: classifyCode(first.statusCode, `${first.message}${fields}`) };
  });
}

/** `POST composite/sobjects`: create records (any mix of types), one outcome per record. */
export async function createRecords(
  session: SalesforceSession,
  records: readonly NewRecord[],
): Promise<SaveOutcome[]> {
  const out: SaveOutcome[] = [];
  for (const chunk of chunks(records, salesforceLimits.collectionSize)) {
    const body = {
      allOrNone: false,
      records: chunk.map((r) => ({ attributes: { type: r.type }, ...r.fields })),
    };
    out.push(
      ...outcomes(await session.call((conn) => conn.requestPost("/composite/sobjects", body)), chunk.length),
    );
  }
  return out;
}

/** `PATCH composite/sobjects`: update records (any mix of types), one outcome per record. */
export async function updateRecords(
  session: SalesforceSession,
  records: readonly RecordUpdate[],
): Promise<SaveOutcome[]> {
  const out: SaveOutcome[] = [];
  for (const chunk of chunks(records, salesforceLimits.collectionSize)) {
    const body = {
      allOrNone: false,
      records: chunk.map((r) => ({ attributes: { type: r.type }, Id: r.id, ...r.fields })),
    };
    const ids = chunk.map((r) => r.id);
    out.push(
      ...outcomes(
        await session.call((conn) => conn.requestPatch("/composite/sobjects", body)),
        chunk.length,
        ids,
      ),
    );
  }
  return out;
}

/**
 * Several updates of one record in one batch become one (later values win), so a request never names
 * a record twice. Returns the merged updates and, per input, the index of its merged update.
 */
export function mergeUpdates(updates: readonly RecordUpdate[]): {
  merged: RecordUpdate[];
  indexOf: number[];
} {
  const merged: RecordUpdate[] = [];
  const byKey = new Map<string, number>();
  const indexOf = updates.map((u) => {
    const key = `${u.type}/${u.id}`;
    const at = byKey.get(key);
    if (at === undefined) {
      byKey.set(key, merged.length);
      merged.push({ type: u.type, id: u.id, fields: { ...u.fields } });
      return merged.length - 1;
    }
    const target = merged[at];
    if (target) Object.assign(target.fields, u.fields);
    return at;
  });
  return { merged, indexOf };
}
