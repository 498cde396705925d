import { fieldsRead } from "../mapping/map-record.js";
import { applyPage } from "./apply-page.js";
import { emptySyncReport, type SyncDependencies, type SyncReport } from "./run-sync.js";

/** What re-reading some records did to one source. */
export type SyncRecordsResult =
  | { outcome: "applied"; report: SyncReport }
  /** A pull of the source holds its lock: the caller asks for a sync of the source instead. */
  | { outcome: "busy" }
  /** The connector cannot read single records: the caller asks for a sync of the source instead. */
  | { outcome: "unsupported" };

/**
 * Re-read a few records the CRM said changed and apply them to one source's campaign queue, through
 * the same mapping, gate and queue code as a pull, without moving the source's cursor. Only records
 * already members of the source are applied (whether another record now matches a list or a search
 * only the CRM can tell; the next pull finds it); a member the CRM no longer has leaves the queue.
 * Membership refs are record ids here, as for every object source.
 */
export async function syncRecords(
  deps: SyncDependencies,
  objectType: string,
  crmIds: string[],
): Promise<SyncRecordsResult> {
  const { connector, source, state } = deps;
  if (!connector.fetchRecords) return { outcome: "unsupported" };
  const attempt = await state.acquireLock(deps.lockTtlMs);
  // A pull in progress would checkpoint its own view of these members after ours.
  if (!attempt.acquired) return { outcome: "busy" };
  const { lock } = attempt;
  const report = emptySyncReport(source.id, "", false);
  try {
    const members = await state.leadKeysFor([...new Set(crmIds)]);
    if (members.size === 0) return { outcome: "applied", report };
    const records = await connector.fetchRecords({
      objectType,
      ids: [...members.keys()],
      fields: fieldsRead(deps.mapping),
    });
    const found = new Set(records.map((record) => record.sourceRef));
    const gone = [...members.keys()].filter((ref) => !found.has(ref));
    const applied = await applyPage(
      deps,
      { records: records.filter((record) => members.has(record.sourceRef)), removedRefs: gone },
      report,
    );
    await state.updateMembers(applied.joined, applied.leftRefs);
    return { outcome: "applied", report };
  } finally {
    report.finishedAt = new Date().toISOString();
    await lock.release().catch(() => {});
  }
}
