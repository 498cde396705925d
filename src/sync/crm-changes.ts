import type { CrmChangeEvent } from "../../connectors/types.js";
import { leadKey } from "../model/lead.js";
import type { SyncRecordsResult } from "./sync-records.js";

/** What applying a CRM's change events did. */
export interface CrmChangeEffects {
  /** Opt-outs the CRM reported, in force for leasing before this returns. */
  suppressed: number;
  /** Queued jobs taken out: deleted or merged-away records, members the CRM no longer has. */
  removed: number;
  /** Records re-read and applied to a source's queue. */
  reread: number;
  /** Sources asked to sync (new records, or a source that could not re-read records just now). */
  syncsTriggered: number;
}

/** The few things applying a change needs, for one integration. */
export interface CrmChangeTargets {
  integrationId: string;
  /** Ids of the sources that pull from this integration. */
  sourceIds: readonly string[];
  /** Take a lead out of every campaign queue; returns the jobs removed. */
  removeLead(leadKey: string): Promise<number>;
  /** Suppress a lead's numbers at once (the CRM already says do-not-call: nothing to write back). */
  optOut(leadKey: string): Promise<void>;
  syncRecords(sourceId: string, objectType: string, crmIds: string[]): Promise<SyncRecordsResult>;
  triggerSync(sourceId: string): Promise<void>;
}

/**
 * Apply canonical change events from a CRM webhook: deletions and merges take leads out, opt-outs
 * suppress at once, other changes re-read only the records concerned (not whole sources), and new
 * records ask the integration's sources to sync (whether a new record belongs to a list or a search
 * only a pull can tell).
 */
export async function applyCrmChanges(
  events: readonly CrmChangeEvent[],
  targets: CrmChangeTargets,
): Promise<CrmChangeEffects> {
  const effects: CrmChangeEffects = { suppressed: 0, removed: 0, reread: 0, syncsTriggered: 0 };
  const key = (objectType: string, crmId: string) => leadKey(targets.integrationId, objectType, crmId);
  const toReread = new Map<string, Set<string>>();
  const reread = (objectType: string, crmId: string) => {
    const ids = toReread.get(objectType) ?? new Set<string>();
    ids.add(crmId);
    toReread.set(objectType, ids);
  };
  let created = false;
  for (const event of events) {
    switch (event.kind) {
      case "deleted":
        effects.removed += await targets.removeLead(key(event.objectType, event.crmId));
        toReread.get(event.objectType)?.delete(event.crmId);
        break;
      case "merged":
        for (const merged of event.mergedIds) {
          effects.removed += await targets.removeLead(key(event.objectType, merged));
          toReread.get(event.objectType)?.delete(merged);
        }
        reread(event.objectType, event.survivorId);
        break;
      case "consent":
        if (event.doNotCall) {
          await targets.optOut(key(event.objectType, event.crmId));
          effects.suppressed++;
        } else {
          // An opt-in in the CRM goes through mapping like any other change.
          reread(event.objectType, event.crmId);
        }
        break;
      case "changed":
        reread(event.objectType, event.crmId);
        break;
      case "created":
        created = true;
        break;
    }
  }
  const triggered = new Set<string>();
  for (const [objectType, ids] of toReread) {
    if (ids.size === 0) continue;
    for (const sourceId of targets.sourceIds) {
      // A CRM that fails the re-read now leaves the change to a pull, which retries on its own
      // schedule, rather than failing the webhook (the CRM would resend it, and the opt-outs above
      // are already in force).
      const result = await targets
        .syncRecords(sourceId, objectType, [...ids])
        .catch((): SyncRecordsResult => ({ outcome: "busy" }));
      if (result.outcome === "applied") {
        effects.reread += result.report.records;
        effects.removed += result.report.removed;
      } else triggered.add(sourceId);
    }
  }
  if (created) for (const sourceId of targets.sourceIds) triggered.add(sourceId);
  for (const sourceId of triggered) await targets.triggerSync(sourceId);
  effects.syncsTriggered = triggered.size;
  return effects;
}
