import { randomUUID } from "node:crypto";
import type { CrmConnector } from "../../connectors/types.js";
import type { GateDecision } from "../compliance/index.js";
import type { ComplianceGate } from "../compliance-gate/compliance-gate.js";
import type { FieldMapping, SourceConfig } from "../config/schema.js";
import { fieldsRead } from "../mapping/map-record.js";
import type { Lead } from "../model/lead.js";
import type { DialQueue } from "../queues/dial-queue.js";
import type { FencedLock } from "../queues/fenced-lock.js";
import { applyPage } from "./apply-page.js";
import type { SyncRunRecord, SyncState } from "./sync-state.js";

export interface RecordProblem {
  crmId: string;
  problems: string[];
}

export interface SyncDependencies {
  source: SourceConfig;
  connector: CrmConnector;
  mapping: FieldMapping;
  state: SyncState;
  queue: DialQueue;
  bulkSize: number;
  /** Leads the CRM marks do-not-call: called with them so the suppression list learns them. */
  onDoNotCall?: (leads: Lead[]) => Promise<void>;
  /**
   * The compliance gate at sync time (optional: without it every callable lead is queued now).
   * allow → queued; wait → queued as a delayed job until its window opens; block → not queued.
   */
  gate?: Pick<ComplianceGate, "check" | "decide">;
  /** The clock the gate decides on (telesync's). Default: the system clock. */
  now?: () => Date;
  /** How long the source's lock outlives its holder (renewed every third of it while running). */
  lockTtlMs?: number;
}

export interface SyncOptions {
  /** Ignore the checkpoint and pull everything; members not seen leave the queue. */
  full?: boolean | undefined;
  /** Map and report only: no queue writes, no checkpoint. */
  dryRun?: boolean | undefined;
  signal?: AbortSignal | undefined;
  /** After each page: the run so far, and the records the pull expects in all when the CRM said. */
  onPage?: ((progress: SyncRunRecord, expectedRecords?: number) => void) | undefined;
  /** Every mapped lead (with the gate's decision, if gated) or per-record problem, in order (dry run output). */
  onRecord?:
    | ((result: { lead: Lead; decision?: GateDecision } | { problem: RecordProblem }) => void)
    | undefined;
}

export type SyncReport = SyncRunRecord & { problems: RecordProblem[] };

export class SyncAlreadyRunningError extends Error {
  override readonly name = "SyncAlreadyRunningError";
  constructor(
    message: string,
    /** The holder's fence: if the same fence still holds after `expiresInMs`, its holder is alive. */
    readonly heldBy: number,
    readonly expiresInMs: number,
  ) {
    super(message);
  }
}

/** A run's report before its first page: every count at zero. */
export function emptySyncReport(sourceId: string, runId: string, full: boolean): SyncReport {
  return {
    runId,
    sourceId,
    full,
    startedAt: new Date().toISOString(),
    finishedAt: "",
    outcome: "completed",
    pages: 0,
    records: 0,
    added: 0,
    updated: 0,
    unchanged: 0,
    finished: 0,
    removed: 0,
    skipped: 0,
    suppressed: 0,
    held: 0,
    blocked: 0,
    problems: [],
  };
}

/**
 * One pull of a source into its campaign queue, page by page: map, upsert with addBulk, remove
 * leavers, then checkpoint. A crash re-applies at most the page in flight, which is idempotent.
 */
export async function runSync(deps: SyncDependencies, options: SyncOptions = {}): Promise<SyncReport> {
  const { source, connector, mapping, state, queue } = deps;
  const full = options.full === true;
  const dryRun = options.dryRun === true;
  let lock: FencedLock | undefined;
  if (!dryRun) {
    const attempt = await state.acquireLock(deps.lockTtlMs);
    if (!attempt.acquired) {
      throw new SyncAlreadyRunningError(
        `source "${source.id}" is already being synced (lock fence ${attempt.heldBy})`,
        attempt.heldBy,
        attempt.expiresInMs,
      );
    }
    lock = attempt.lock;
  }
  const runId = randomUUID();
  const report = emptySyncReport(source.id, runId, full);
  const seenKey = full && !dryRun ? state.seenSetKey(runId) : undefined;
  // A connector's membership reconcile (HubSpot search sources): the ids that belong now.
  const reconcileKey = dryRun ? undefined : state.seenSetKey(`${runId}-reconcile`);
  /** Members not in `key` left the source: out of the queue and the membership. */
  const removeUnseen = async (key: string) => {
    for await (const unseen of state.unseenRefs(key)) {
      const leaving = await state.leadKeysFor(unseen);
      report.removed += await queue.remove([...leaving.values()]);
      await state.checkpoint(lock?.fence ?? 0, await state.readCursor(), new Map(), unseen);
    }
  };
  // Renew the lock on a timer, not per page: a slow CRM page must not let it lapse.
  const heartbeat = lock
    ? setInterval(() => void lock.heartbeat().catch(() => {}), lock.ttlMs / 3)
    : undefined;
  heartbeat?.unref();
  try {
    // A first sync (no members, nothing to resume, an empty campaign) need not look up existing jobs.
    let fresh = false;
    if (lock) {
      const resumedFrom = await state.beginRun(report, report.startedAt);
      if (resumedFrom) {
        report.resumedFrom = resumedFrom;
        // A full run's seen set cannot be finished by an incremental resume.
        await state.dropKey(state.seenSetKey(resumedFrom));
      } else fresh = (await state.memberCount()) === 0 && (await queue.isEmpty());
    }
    const cursor = full ? undefined : await state.readCursor();
    const pages = connector.pull({
      select: source.select,
      fields: fieldsRead(mapping),
      cursor,
      sourceId: source.id,
    });
    let expectedRecords: number | undefined;
    for await (const page of pages) {
      options.signal?.throwIfAborted();
      expectedRecords = page.expectedRecords ?? expectedRecords;
      const applied = await applyPage(deps, page, report, { ...options, fresh });
      if (reconcileKey && page.present) await state.markSeen(reconcileKey, page.present);
      if (!dryRun) {
        const { problems: _sample, ...progress } = report;
        await state.checkpoint(
          lock?.fence ?? 0,
          page.cursor,
          applied.joined,
          applied.leftRefs,
          seenKey,
          progress,
        );
      }
      if (reconcileKey && page.membershipComplete) await removeUnseen(reconcileKey);
      options.onPage?.(report, expectedRecords);
    }
    if (seenKey) await removeUnseen(seenKey);
  } catch (error) {
    report.outcome = options.signal?.aborted ? "aborted" : "failed";
    report.error = error instanceof Error ? error.message : String(error);
    throw Object.assign(error instanceof Error ? error : new Error(String(error)), { report });
  } finally {
    clearInterval(heartbeat);
    report.finishedAt = new Date().toISOString();
    if (!dryRun) {
      const { problems: _problems, ...run } = report;
      await state.recordRun(run, lock?.fence).catch(() => {});
      if (seenKey) await state.dropKey(seenKey).catch(() => {});
      if (reconcileKey) await state.dropKey(reconcileKey).catch(() => {});
      await lock?.release().catch(() => {});
    }
  }
  return report;
}
