import type { PullPage } from "../../connectors/types.js";
import { carryPhone, type GateDecision, type ParsedPhone } from "../compliance/index.js";
import { mapRecord } from "../mapping/map-record.js";
import type { Lead } from "../model/lead.js";
import type { UpsertItem } from "../queues/dial-queue.js";
import type { RecordProblem, SyncDependencies, SyncOptions, SyncReport } from "./run-sync.js";

const problemSample = 100;

/** What a page changed in the source's membership: refs that joined (→ lead key) and refs that left. */
export interface PageMembership {
  joined: Map<string, string>;
  leftRefs: string[];
}

/**
 * Apply one page of records to the campaign queue: map, gate, upsert with addBulk, take out leavers
 * (removed, no longer mapping, do-not-call, blocked stays a member). Counts go into `report`; the
 * caller records the membership (with a pull's cursor, or alone for records re-read between pulls).
 */
export async function applyPage(
  deps: SyncDependencies,
  page: Pick<PullPage, "records" | "removedRefs">,
  report: SyncReport,
  options: Pick<SyncOptions, "dryRun" | "onRecord"> & {
    /**
     * The source had no members when this run began (and no run to resume): the leads of this page
     * are new to it, so their jobs are not looked up first, except for refs an earlier page of this
     * run already queued (one membership read per page). See `DialQueue.upsert`.
     */
    fresh?: boolean;
  } = {},
): Promise<PageMembership> {
  const { source, mapping, state, queue } = deps;
  const dryRun = options.dryRun === true;
  const callable: Lead[] = [];
  const callableRefs: string[] = [];
  // Each callable lead's phone as the mapping parsed it, for the gate (parsed once per record).
  const parsedPhones: Array<ParsedPhone | undefined> = [];
  const doNotCall: Lead[] = [];
  const joined = new Map<string, string>();
  const leftRefs = [...page.removedRefs];
  const results: Array<{ lead: Lead } | { problem: RecordProblem }> | undefined = options.onRecord
    ? []
    : undefined;
  for (const record of page.records) {
    const mapped = mapRecord(record, source.integration, mapping);
    if (!mapped.ok) {
      report.skipped++;
      const problem = { crmId: mapped.crmId, problems: mapped.problems };
      if (report.problems.length < problemSample) report.problems.push(problem);
      results?.push({ problem });
      // A record that no longer maps (its phone was removed) must not stay queued.
      leftRefs.push(record.sourceRef);
      continue;
    }
    results?.push({ lead: mapped.lead });
    if (mapped.lead.doNotCall) {
      doNotCall.push(mapped.lead);
      leftRefs.push(record.sourceRef);
    } else {
      callable.push(mapped.lead);
      callableRefs.push(record.sourceRef);
      parsedPhones.push(mapped.parsedPhone);
      joined.set(record.sourceRef, mapped.lead.key);
    }
  }
  // The gate decides for the whole page at once; a dry run decides without recording.
  const now = deps.now?.() ?? new Date();
  const gated = deps.gate
    ? await (dryRun
        ? deps.gate.decide(callable, source.campaign, now, parsedPhones)
        : deps.gate.check(callable, source.campaign, "sync", now, parsedPhones))
    : [];
  if (results) {
    const decisions = new Map<Lead, GateDecision>(
      callable.map((lead, i) => [lead, gated[i] as GateDecision]),
    );
    for (const result of results) {
      if ("lead" in result) {
        const decision = decisions.get(result.lead);
        options.onRecord?.(decision ? { lead: result.lead, decision } : result);
      } else options.onRecord?.(result);
    }
  }
  // On a fresh run, only refs an earlier page of this run made members can have a job already.
  const known = options.fresh && !dryRun ? await state.leadKeysFor(callableRefs) : undefined;
  const queueable: UpsertItem[] = [];
  const blockedKeys: string[] = [];
  let blocked = 0;
  for (const [i, lead] of callable.entries()) {
    const decision = gated[i];
    const isNew = known !== undefined && !known.has(callableRefs[i] as string);
    const parsed = parsedPhones[i];
    const carried = parsed?.number === lead.phone ? carryPhone(parsed) : undefined;
    const job = { lead, sourceId: source.id, ...(carried ? { parsedPhone: carried } : {}) };
    if (decision?.decision === "block") {
      blocked++;
      // A lead new to the source has no job to take out.
      if (!isNew) blockedKeys.push(lead.key);
    } else if (decision?.decision === "wait") {
      report.held++;
      queueable.push({
        ...job,
        delay: Math.max(1, decision.until.getTime() - now.getTime()),
        ...(isNew ? { isNew } : {}),
      });
    } else queueable.push({ ...job, ...(isNew ? { isNew } : {}) });
  }
  report.pages++;
  report.records += page.records.length;
  report.suppressed += doNotCall.length;
  report.blocked += blocked;
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
    return { joined, leftRefs: [...leaving.keys()] };
  }
  return { joined: new Map(), leftRefs: [] };
}
