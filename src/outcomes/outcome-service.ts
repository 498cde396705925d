import type { AbandonmentGuard } from "../compliance-gate/abandonment-guard.js";
import type { AttemptLog } from "../compliance-gate/attempt-log.js";
import type { LeaseCaps } from "../compliance-gate/lease-caps.js";
import type { Script } from "../config/script-schema.js";
import { LeaseError } from "../dialer/errors.js";
import { decodeLeaseId, type LeaseRef } from "../dialer/lease-id.js";
import type { HeldLease, LeaseService } from "../dialer/lease-service.js";
import { nextStep } from "../dialer/outcome-policy.js";
import {
  type LeadTransitions,
  type PendingTransition,
  pendingTransition,
  type RideAlong,
} from "../dialer/pending-transition.js";
import type { Lead } from "../model/lead.js";
import type { CallOutcome } from "../model/outcome.js";
import type { DialQueueRegistry } from "../queues/dial-queue-registry.js";
import { type AnswerDistribution, answerDistribution } from "../scripts/distribution.js";
import type { OutcomeJob } from "../writeback/jobs.js";
import type { WritebackOutbox } from "../writeback/outbox-relay.js";
import type { WritebackIntake } from "../writeback/outcome-intake.js";
import type { OutcomeReceipts } from "../writeback/receipts.js";
import type { AnswerStats } from "./answer-stats.js";
import type { ComplianceFlagKind, DispositionStats } from "./disposition-stats.js";
import { OutcomeConflictError } from "./errors.js";
import type { OutcomeLedger } from "./outcome-ledger.js";

/** An accepted outcome whose call broke a rule: written to the CRM (it happened), never silently. */
export interface OutcomeFlag {
  kind: ComplianceFlagKind;
  campaign: string;
  leadKey: string;
  outcomeId: string;
  startedAt: string;
  notAfter: string;
  /** The line put first in the activity's notes. */
  message: string;
}

/** The flag of a call that started after its lease's `notAfter` (the lead's calling window closed). */
export function notAfterFlag(
  ref: LeaseRef,
  report: Pick<OutcomeReport, "startedAt">,
): { notAfter: string; message: string } | undefined {
  if (ref.notAfter === undefined || Date.parse(report.startedAt) <= ref.notAfter) return undefined;
  const notAfter = new Date(ref.notAfter).toISOString();
  return {
    notAfter,
    message: `COMPLIANCE: call started after the calling window closed (notAfter ${notAfter}, started ${report.startedAt})`,
  };
}

/** What a dialer reports about a leased call (the lead and campaign come from the lease). */
export type OutcomeReport = Omit<CallOutcome, "leadKey" | "campaign">;

export interface OutcomeServiceDependencies {
  /** The lease an outcome is reported on, checked to be still held. */
  leases: Pick<LeaseService, "held">;
  dialQueues: Pick<DialQueueRegistry, "get">;
  /** Which outcomeIds were accepted, on which lease; accepts with the counters in one step. */
  ledger: Pick<OutcomeLedger, "lookup" | "accept" | "markQueued" | "queuedMark" | "acceptAnswersSeen">;
  /** The durable front of the writeback. */
  intake: Pick<WritebackIntake, "enqueue">;
  /**
   * The intake's receipts: given, an outcome's receipt starts as `accepted` in its acceptance step
   * (one command less per outcome); absent, the intake writes it with the job.
   */
  receipts?: Pick<OutcomeReceipts, "acceptedWrite"> | undefined;
  /**
   * With `receipts`: the acceptance step appends the writeback job to its integration's outbox, and
   * an `OutboxRelay` (worker role) queues it; absent, the job is queued here after the acceptance.
   * A retry of an outcome not yet known queued still queues it here (by its id, once).
   */
  outbox?: Pick<WritebackOutbox, "entry"> | undefined;
  /**
   * The lead's move per the outcome, recorded in the acceptance step and applied once: here, by a
   * retry, or by the lead's next lease when both came after the lease's lock (see `LeadTransitions`).
   */
  transitions: Pick<LeadTransitions, "key" | "get" | "apply" | "clear">;
  stats: Pick<DispositionStats, "record" | "counts" | "recordFlag" | "flagCounts">;
  attempts: Pick<AttemptLog, "record">;
  abandonment: Pick<AbandonmentGuard, "record">;
  /** The lease's reserved attempt, dropped once the outcome recorded the attempt itself. */
  caps?: Pick<LeaseCaps, "dropIn"> | undefined;
  /** Script answer counters, counted with the others (absent: answers are written back, not counted). */
  answers?: Pick<AnswerStats, "record" | "distribution"> | undefined;
  /** Told once per accepted outcome that is flagged (metric, decision log): kept out of this service. */
  onFlag?: ((flag: OutcomeFlag) => Promise<void>) | undefined;
  /** telesync's clock: attempt and abandonment times, retry and callback times. */
  now: () => Date;
}

/**
 * Recording call outcomes. An outcome on a held lease is accepted (ledger entry and counters:
 * dispositions, attempts on the number, abandonment, in one Lua step), queued for the CRM, and then
 * its lead is done, retried later, called back, or suppressed per the campaign's policy (`nextStep`).
 *
 * A repeated outcomeId answers `duplicate` only on the lease it was accepted on (another lease: 409
 * `outcome_conflict`), and finishes what a crashed first attempt left undone: the writeback job is
 * queued (idempotent by job id) and the lead moved on if the lease is still held. Counters never
 * count twice.
 */
export class OutcomeService {
  constructor(private readonly deps: OutcomeServiceDependencies) {}

  /**
   * `postedBy`: the API key posting it, kept on the receipt by the acceptance step when the service
   * writes receipts there (`postedByRecorded`); else the caller records it (`OutcomeReceipts.postedBy`).
   */
  async report(
    leaseId: string,
    report: OutcomeReport,
    options: { postedBy?: string | undefined } = {},
  ): Promise<{ duplicate: boolean; postedByRecorded?: boolean }> {
    const ref = decodeLeaseId(leaseId);
    if (!ref) throw new LeaseError(404, "unknown lease id");
    const { ledger, receipts } = this.deps;
    const outbox = receipts && this.deps.outbox;
    const held = await this.heldOrSeen(leaseId, ref, report);
    if (!held) return { duplicate: true };
    const lead = held.job.data.lead;
    const now = this.deps.now();
    const flag = notAfterFlag(ref, report);
    const move = pendingTransition(
      report.outcomeId,
      report.disposition,
      held.job,
      nextStep({
        campaign: held.campaign,
        disposition: report.disposition,
        attemptsBefore: held.job.data.attempts ?? 0,
        callbackAt: report.callbackAt,
        consentRevoked: report.consentRevoked,
        now,
      }),
    );
    const acceptance = await ledger.accept(
      report.outcomeId,
      leaseId,
      (writes) => {
        this.deps.stats.record(writes, ref.campaign, report.disposition, now);
        if (flag) this.deps.stats.recordFlag(writes, ref.campaign, "startedAfterNotAfter");
        // A call the dialer placed is an attempt on the number, whatever the campaign (frequency caps).
        if (report.direction !== "inbound")
          this.deps.attempts.record(writes, lead.phone, report.outcomeId, now);
        this.deps.abandonment.record(writes, ref.campaign, report.disposition, now);
        this.deps.answers?.record(writes, ref.campaign, held.campaign.script, report.answers);
        // The attempt is recorded now: the lease's reservation of it goes in the same step.
        this.deps.caps?.dropIn(writes, lead, ref.token);
      },
      { key: this.deps.transitions.key(ref.campaign, ref.jobId), value: JSON.stringify(move) },
      receipts && {
        ...receipts.acceptedWrite(report.outcomeId, {
          direction: report.direction,
          leadKey: lead.key,
          campaign: ref.campaign,
          disposition: report.disposition,
          at: new Date(),
        }),
        postedBy: options.postedBy,
      },
      outbox?.entry(writebackJob(ref, lead, report)),
    );
    if (!acceptance.accepted) {
      if (!acceptance.sameLease) throw new OutcomeConflictError(report.outcomeId);
      // Not looked up first (`heldOrSeen`): a retry, finished here as `resume` would have.
      if (ledger.acceptAnswersSeen) await this.resume(leaseId, ref, report, acceptance.queued, { held });
      // Else accepted meanwhile, by a concurrent copy of this request: it finishes the job.
      return { duplicate: true };
    }
    if (flag)
      await this.deps.onFlag?.({
        kind: "startedAfterNotAfter",
        campaign: ref.campaign,
        leadKey: lead.key,
        outcomeId: report.outcomeId,
        startedAt: report.startedAt,
        ...flag,
      });
    if (outbox) await this.moveOn(held, report.outcomeId, { move });
    else
      await this.queueWriteback(
        leaseId,
        ref,
        lead,
        report,
        (queued) => this.moveOn(held, report.outcomeId, { move }, queued),
        receipts !== undefined,
      );
    return { duplicate: false, postedByRecorded: receipts !== undefined && options.postedBy !== undefined };
  }

  /**
   * The held lease to accept the outcome on; undefined when the outcomeId was accepted before on
   * this lease (a retry, finished here: `resume`). 409 `outcome_conflict` when on another lease.
   * Where the acceptance script itself answers for a seen outcomeId (`acceptAnswersSeen`), the
   * ledger is read only when the lease is not held; else with the lease, in the same round trip.
   */
  private async heldOrSeen(
    leaseId: string,
    ref: LeaseRef,
    report: OutcomeReport,
  ): Promise<HeldLease | undefined> {
    const { ledger } = this.deps;
    const lease = () => this.heldOrError(leaseId);
    let first: { held: HeldLease } | { error: unknown } | undefined;
    if (ledger.acceptAnswersSeen) {
      first = await lease();
      if ("held" in first) return first.held;
      // Redis failing (not a lease no longer held): answered now, not after a second timeout.
      if (!(first.error instanceof LeaseError)) throw first.error;
    }
    const [entry, leased] = await Promise.all([ledger.lookup(report.outcomeId, leaseId), first ?? lease()]);
    if (entry.state === "other-lease") throw new OutcomeConflictError(report.outcomeId);
    if (entry.state === "same-lease") {
      await this.resume(leaseId, ref, report, entry.queued, leased);
      return undefined;
    }
    if ("error" in leased) throw leased.error;
    return leased.held;
  }

  /** Outcomes per disposition in a campaign. */
  dispositionCounts(campaign: string): Promise<Record<string, number>> {
    return this.deps.stats.counts(campaign);
  }

  /** Accepted outcomes flagged by compliance in a campaign, per kind. */
  flaggedOutcomes(campaign: string): Promise<Partial<Record<ComplianceFlagKind, number>>> {
    return this.deps.stats.flagCounts(campaign);
  }

  /** The distribution of a scripted campaign's answers (empty counts without answer counters). */
  answerDistribution(campaign: string, script: Script): Promise<AnswerDistribution> {
    return (
      this.deps.answers?.distribution(campaign, script) ?? Promise.resolve(answerDistribution(script, {}))
    );
  }

  /**
   * A retry of an accepted outcome: queue its writeback if that is not known to be done, and move
   * the lead on if the lease is still held (the first attempt stopped before it). When it is not (the
   * lock expired), the move stays recorded and the lead's next lease applies it before anything else.
   */
  private async resume(
    leaseId: string,
    ref: LeaseRef,
    report: OutcomeReport,
    queued: boolean,
    lease: { held: HeldLease } | { error: unknown },
  ): Promise<void> {
    // Not held: the first attempt moved the lead on (or the lease expired); nothing to finish there.
    if ("error" in lease && !(lease.error instanceof LeaseError)) throw lease.error;
    const held = "held" in lease ? lease.held : undefined;
    const moveOn = held
      ? async (queued?: RideAlong): Promise<boolean> => {
          try {
            return await this.moveOn(held, report.outcomeId, { legacy: report }, queued);
          } catch (error) {
            // A copy of this outcome sent at the same moment moved the lead first, taking the lock:
            // nothing is left to finish (had the lock only expired, the move stays recorded and the
            // lead's next lease applies it). Anything else, with the lease still held, is an error.
            if (await this.stillHeld(leaseId)) throw error;
            return false;
          }
        }
      : undefined;
    if (!queued) {
      const job = held?.job ?? (await this.deps.dialQueues.get(ref.campaign).queue.getJob(ref.jobId));
      if (!job)
        throw new LeaseError(409, "the lead left the queue before this outcome was queued for the CRM");
      await this.queueWriteback(leaseId, ref, job.data.lead, report, moveOn);
    } else await moveOn?.(undefined);
  }

  /** The lease, read and its lock renewed; or why not (no longer held: a `LeaseError`). */
  private heldOrError(leaseId: string): Promise<{ held: HeldLease } | { error: unknown }> {
    return this.deps.leases.held(leaseId).then(
      (held) => ({ held }),
      (error: unknown) => ({ error }),
    );
  }

  /** Whether the lease is still held (its lock renewed); a Redis failure is thrown. */
  private async stillHeld(leaseId: string): Promise<boolean> {
    const lease = await this.heldOrError(leaseId);
    if ("held" in lease) return true;
    if (lease.error instanceof LeaseError) return false;
    throw lease.error;
  }

  private async queueWriteback(
    leaseId: string,
    ref: LeaseRef,
    lead: Lead,
    report: OutcomeReport,
    /**
     * The lead's transition, run beside the ledger's note that the job is queued (one round trip);
     * or, given the note (`queued`), carrying it: true when it took it along.
     */
    then?: (queued?: RideAlong) => Promise<boolean>,
    /** The acceptance step wrote the receipt (a retry writes it with the job: it may predate that). */
    receiptWritten = false,
  ): Promise<void> {
    await this.deps.intake.enqueue(writebackJob(ref, lead, report), { receiptWritten });
    const { ledger } = this.deps;
    // Single-slot layout: the note rides along with the move's clear (`LeadTransitions.clear`), no
    // command of its own. Lost with it (a crash just now), a retry queues the job again: by its id,
    // once.
    const queued = then ? ledger.queuedMark(report.outcomeId, leaseId) : undefined;
    if (then && queued) {
      let carried = false;
      try {
        carried = await then(queued);
      } finally {
        if (!carried) await ledger.markQueued(report.outcomeId, leaseId);
      }
      return;
    }
    const settled = await Promise.allSettled([ledger.markQueued(report.outcomeId, leaseId), then?.()]);
    for (const result of settled) if (result.status === "rejected") throw result.reason;
  }

  /**
   * The lead's move as the acceptance recorded it (`move`, when this request made the acceptance;
   * else read back), under the held lease's token; then forgotten. `legacy`: an outcome accepted
   * before moves were recorded (none stored): decided now, as then. `queued`: the ledger's note,
   * set with the clear; true when it was (the move applied).
   */
  private async moveOn(
    { ref, job, campaign }: HeldLease,
    outcomeId: string,
    known: { move?: PendingTransition; legacy?: OutcomeReport },
    queued?: RideAlong,
  ): Promise<boolean> {
    const { transitions } = this.deps;
    let move = known.move ?? (await transitions.get(ref.campaign, ref.jobId));
    if (move?.outcomeId !== outcomeId) {
      const { legacy } = known;
      if (!legacy) return false;
      const step = nextStep({
        campaign,
        disposition: legacy.disposition,
        attemptsBefore: job.data.attempts ?? 0,
        callbackAt: legacy.callbackAt,
        consentRevoked: legacy.consentRevoked,
        now: this.deps.now(),
      });
      move = pendingTransition(outcomeId, legacy.disposition, job, step);
    }
    await transitions.apply(ref.campaign, job, ref.token, move);
    // Not awaited: the answer does not wait a round trip for housekeeping. A move left recorded
    // after it was applied is never applied again (a later lease finds it done, stale, or held and
    // due: `LeadTransitions.settle`), and commands on one connection run in order, so whatever this
    // process asks next already sees it gone. A failure only leaves the record to its 30-day TTL.
    void transitions.clear(ref.campaign, ref.jobId, outcomeId, queued).catch(() => {});
    return queued !== undefined;
  }
}

/**
 * The outcome's writeback job. Derived from the lease and the report alone, so a retry that queues
 * the job builds (and flags) it the same as the outbox entry the acceptance appended.
 */
function writebackJob(ref: LeaseRef, lead: Lead, report: OutcomeReport): OutcomeJob {
  const flag = notAfterFlag(ref, report);
  return {
    kind: "outcome",
    outcome: { ...report, leadKey: lead.key, campaign: ref.campaign },
    ...(flag ? { complianceFlag: flag.message } : {}),
    lead: {
      integration: lead.integration,
      objectType: lead.objectType,
      crmId: lead.crmId,
      phone: lead.phone,
      ...(lead.membership ? { membershipId: lead.membership.id } : {}),
    },
  };
}
