import { randomUUID } from "node:crypto";
import type { CrmConnector } from "../../connectors/types.js";
import type { GateDecision } from "../compliance/index.js";
import type { ComplianceGate } from "../compliance-gate/compliance-gate.js";
import type { FieldMapping, SourceConfig } from "../config/schema.js";
import { fieldsRead, mapRecord } from "../mapping/map-record.js";
import type { Lead } from "../model/lead.js";
import type { DialQueue, UpsertItem } from "../queues/dial-queue.js";
import type { SyncLock } from "./sync-lock.js";
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
  onPage?: ((progress: SyncRunRecord) => void) | undefined;
  /** Every mapped lead (with the gate's decision, if gated) or per-record problem, in order (dry run output). */
  onRecord?:
    | ((result: { lead: Lead; decision?: GateDecision } | { problem: RecordProblem }) => void)
    | undefined;
}

export type SyncReport = SyncRunRecord & { problems: RecordProblem[] };

const problemSample = 100;

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

/**
 * One pull of a source into its campaign queue, page by page: map, upsert with addBulk, remove
 * leavers, then checkpoint. A crash re-applies at most the page in flight, which is idempotent.
 */
export async function runSync(deps: SyncDependencies, options: SyncOptions = {}): Promise<SyncReport> {
  const { source, connector, mapping, state, queue } = deps;
  const full = options.full === true;
  const dryRun = options.dryRun === true;
  let lock: SyncLock | undefined;
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
  const report: SyncReport = {
    runId,
    sourceId: source.id,
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
  const seenKey = full && !dryRun ? state.seenSetKey(runId) : undefined;
  // Renew the lock on a timer, not per page: a slow CRM page must not let it lapse.
  const heartbeat = lock
    ? setInterval(() => void lock.heartbeat().catch(() => {}), lock.ttlMs / 3)
    : undefined;
  heartbeat?.unref();
  try {
    if (lock) {
      const resumedFrom = await state.beginRun(report, report.startedAt);
      if (resumedFrom) {
        report.resumedFrom = resumedFrom;
        // A full run's seen set cannot be finished by an incremental resume.
        await state.dropKey(state.seenSetKey(resumedFrom));
      }
    }
    const cursor = full ? undefined : await state.readCursor();
    const pages = connector.pull({
      select: source.select,
      fields: fieldsRead(mapping),
      cursor,
      sourceId: source.id,
    });
    for await (const page of pages) {
      options.signal?.throwIfAborted();
      const callable: Lead[] = [];
      const doNotCall: Lead[] = [];
      const joined = new Map<string, string>();
      const leftRefs = [...page.removedRefs];
      const results: Array<{ lead: Lead } | { problem: RecordProblem }> = [];
      for (const record of page.records) {
        const mapped = mapRecord(record, source.integration, mapping);
        if (!mapped.ok) {
          report.skipped++;
          const problem = { crmId: mapped.crmId, problems: mapped.problems };
          if (report.problems.length < problemSample) report.problems.push(problem);
          results.push({ problem });
          // A record that no longer maps (its phone was removed) must not stay queued.
          leftRefs.push(record.sourceRef);
          continue;
        }
        results.push({ lead: mapped.lead });
        if (mapped.lead.doNotCall) {
          doNotCall.push(mapped.lead);
          leftRefs.push(record.sourceRef);
        } else {
          callable.push(mapped.lead);
          joined.set(record.sourceRef, mapped.lead.key);
        }
      }
      // The gate decides for the whole page at once; a dry run decides without recording.
      const now = deps.now?.() ?? new Date();
      const gated = deps.gate
        ? await (dryRun
            ? deps.gate.decide(callable, source.campaign, now)
            : deps.gate.check(callable, source.campaign, "sync", now))
        : [];
      const decisions = new Map<Lead, GateDecision>(
        callable.map((lead, i) => [lead, gated[i] as GateDecision]),
      );
      for (const result of results) {
        if ("lead" in result) {
          const decision = decisions.get(result.lead);
          options.onRecord?.(decision ? { lead: result.lead, decision } : result);
        } else options.onRecord?.(result);
      }
      const queueable: UpsertItem[] = [];
      const blockedKeys: string[] = [];
      for (const lead of callable) {
        const decision = decisions.get(lead);
        if (decision?.decision === "block") blockedKeys.push(lead.key);
        else if (decision?.decision === "wait") {
          report.held++;
          queueable.push({
            lead,
            sourceId: source.id,
            delay: Math.max(1, decision.until.getTime() - now.getTime()),
          });
        } else queueable.push({ lead, sourceId: source.id });
      }
      report.pages++;
      report.records += page.records.length;
      report.suppressed += doNotCall.length;
      report.blocked += blockedKeys.length;
      if (!dryRun) {
        const counts = await queue.upsert(queueable, deps.bulkSize);
        // A blocked lead stays a member of the source (so a later sync sees it again) but not queued.
        await queue.remove(blockedKeys);
        report.added += counts.added;
        report.updated += counts.updated;
        report.unchanged += counts.unchanged;
        report.finished += counts.finished;
        if (doNotCall.length > 0) await deps.onDoNotCall?.(doNotCall);
        // Do-not-call leads are in leftRefs: they leave the queue like any other leaver.
        const leaving = await state.leadKeysFor(leftRefs.filter((ref) => !joined.has(ref)));
        report.removed += await queue.remove([...leaving.values()]);
        const { problems: _sample, ...progress } = report;
        await state.checkpoint(lock?.fence ?? 0, page.cursor, joined, [...leaving.keys()], seenKey, progress);
      }
      options.onPage?.(report);
    }
    if (seenKey) {
      for await (const unseen of state.unseenRefs(seenKey)) {
        const leaving = await state.leadKeysFor(unseen);
        report.removed += await queue.remove([...leaving.values()]);
        await state.checkpoint(lock?.fence ?? 0, await state.readCursor(), new Map(), unseen);
      }
    }
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
      await lock?.release().catch(() => {});
    }
  }
  return report;
}
