import { CrmError } from "../../src/errors.js";
import type { ConsentResult, ConsentWrite } from "../types.js";
import type { SalesforceSession } from "./auth.js";
import { mergeUpdates, type RecordUpdate, updateRecords } from "./collections.js";
import { salesforceLeadObjects } from "./config.js";
import { salesforceIdPattern, salesforceLimits } from "./limits.js";

function invalid(item: ConsentWrite): string | undefined {
  if (!(salesforceLeadObjects as readonly string[]).includes(item.lead.objectType)) {
    return `lead object ${JSON.stringify(item.lead.objectType)} is not Lead or Contact`;
  }
  if (!salesforceIdPattern.test(item.lead.crmId))
    return `lead id ${JSON.stringify(item.lead.crmId)} is not a Salesforce id`;
  return undefined;
}

/**
 * Set Lead/Contact `DoNotCall` with one sObject Collections PATCH (`allOrNone: false`). Several changes
 * to one record in a batch: the later one wins, and each gets that write's result. One result per
 * input, in input order; a request-level error is thrown for the caller to classify.
 */
export async function writeConsent(
  session: SalesforceSession,
  batch: readonly ConsentWrite[],
): Promise<ConsentResult[]> {
  if (batch.length > salesforceLimits.collectionSize) {
    throw new CrmError({
      kind: "permanent",
      reason: `writeConsent takes at most ${salesforceLimits.collectionSize} items, got ${batch.length}`,
    });
  }
  const valid = batch.flatMap((item, i) => (invalid(item) ? [] : [i]));
  const updates: RecordUpdate[] = valid.map((i) => {
    const item = batch[i]!;
    return { type: item.lead.objectType, id: item.lead.crmId, fields: { DoNotCall: item.doNotCall } };
  });
  const { merged, indexOf } = mergeUpdates(updates);
  const saved = merged.length > 0 ? await updateRecords(session, merged) : [];
  const byItem = new Map(valid.map((itemIndex, k) => [itemIndex, saved[indexOf[k]!]]));
  return batch.map((item, i): ConsentResult => {
    const problem = invalid(item);
    if (problem) return { id: item.id, ok: false, error: { kind: "permanent", reason: problem } };
    const outcome = byItem.get(i);
    if (!outcome)
      return { id: item.id, ok: false, error: { kind: "retry", reason: "no result", ambiguous: true } };
    return outcome.ok ? { id: item.id, ok: true } : { id: item.id, ok: false, error: outcome.error };
  });
}
