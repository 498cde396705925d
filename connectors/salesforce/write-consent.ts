import { CrmError } from "../../src/errors.js";
import type { ConsentResult, ConsentWrite } from "../types.js";
import { mergeUpdates, type RecordUpdate, updateRecords } from "./collections.js";
import { salesforceLimits } from "./limits.js";
import { type RecordTarget, resolveTargets, type TargetContext, targetKey } from "./record-targets.js";

/**
 * Set each record's do-not-call checkbox (Lead/Contact DoNotCall, PersonDoNotCall, an Account's or
 * custom object's configured field) with one sObject Collections PATCH (`allOrNone: false`). A
 * record whose object has no such field is answered ok without a write: its consent lives in
 * telesync's suppression list only. Several changes to one record in a batch: the later one wins,
 * and each gets that write's result. One result per input, in input order; a request-level error is
 * thrown for the caller to classify.
 */
export async function writeConsent(
  targets: TargetContext,
  batch: readonly ConsentWrite[],
): Promise<ConsentResult[]> {
  const { session } = targets;
  if (batch.length > salesforceLimits.collectionSize) {
    throw new CrmError({
      kind: "permanent",
      reason: `writeConsent takes at most ${salesforceLimits.collectionSize} items, got ${batch.length}`,
    });
  }
  const resolved = await resolveTargets(
    targets,
    batch.map((item) => item.lead),
  );
  const invalid = (item: ConsentWrite): string | undefined => {
    const target = resolved.get(targetKey(item.lead));
    return !target ? "no target resolved" : "problem" in target ? target.problem : undefined;
  };
  const fieldOf = (item: ConsentWrite) => (resolved.get(targetKey(item.lead)) as RecordTarget).doNotCallField;
  const valid = batch.flatMap((item, i) => (invalid(item) || !fieldOf(item) ? [] : [i]));
  const updates: RecordUpdate[] = valid.map((i) => {
    const item = batch[i]!;
    // A person account's checkbox lives on the Account row (PersonDoNotCall), like its other fields.
    return {
      type: item.lead.objectType,
      id: item.lead.crmId,
      fields: { [fieldOf(item) as string]: item.doNotCall },
    };
  });
  const { merged, indexOf } = mergeUpdates(updates);
  const saved = merged.length > 0 ? await updateRecords(session, merged) : [];
  const byItem = new Map(valid.map((itemIndex, k) => [itemIndex, saved[indexOf[k]!]]));
  return batch.map((item, i): ConsentResult => {
    const problem = invalid(item);
    if (problem) return { id: item.id, ok: false, error: { kind: "permanent", reason: problem } };
    if (!fieldOf(item)) return { id: item.id, ok: true };
    const outcome = byItem.get(i);
    if (!outcome)
      return { id: item.id, ok: false, error: { kind: "retry", reason: "no result", ambiguous: true } };
    return outcome.ok ? { id: item.id, ok: true } : { id: item.id, ok: false, error: outcome.error };
  });
}
