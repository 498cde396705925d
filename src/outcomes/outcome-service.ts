import type { Redis } from "ioredis";
import type { AbandonmentGuard } from "../compliance-gate/abandonment-guard.js";
import type { AttemptLog } from "../compliance-gate/attempt-log.js";
import type { ConsentService } from "../consent/consent-service.js";
import type { LeaseService } from "../dialer/lease-service.js";
import { nextStep } from "../dialer/outcome-policy.js";
import type { CallOutcome } from "../model/outcome.js";
import type { DialQueueRegistry } from "../queues/dial-queue-registry.js";
import type { WritebackIntake } from "../writeback/outcome-intake.js";
import type { DispositionStats } from "./disposition-stats.js";

/** What a dialer reports about a leased call (the lead and campaign come from the lease). */
export type OutcomeReport = Omit<CallOutcome, "leadKey" | "campaign">;

export interface OutcomeServiceDependencies {
  /** The lease an outcome is reported on, checked to be still held. */
  leases: Pick<LeaseService, "held">;
  dialQueues: Pick<DialQueueRegistry, "get">;
  /** The durable front of the writeback (outcomeId dedupe). */
  intake: Pick<WritebackIntake, "enqueue" | "isKnownOutcome">;
  /** An outcome that revokes consent suppresses the number everywhere. */
  consent: Pick<ConsentService, "apply">;
  /** Counters written with every accepted outcome. */
  redis: Pick<Redis, "pipeline">;
  stats: Pick<DispositionStats, "record" | "counts">;
  attempts: Pick<AttemptLog, "record">;
  abandonment: Pick<AbandonmentGuard, "record">;
  /** telesync's clock: attempt and abandonment times, retry and callback times. */
  now: () => Date;
}

/**
 * Recording call outcomes: each is durably queued for the CRM, counted (dispositions, attempts on
 * the number, abandonment), and then the lead is done, retried later, called back, or suppressed
 * per the campaign's policy (`nextStep`). A repeated outcomeId has no second effect.
 */
export class OutcomeService {
  constructor(private readonly deps: OutcomeServiceDependencies) {}

  async report(leaseId: string, report: OutcomeReport): Promise<{ duplicate: boolean }> {
    const { intake } = this.deps;
    if (await intake.isKnownOutcome(report.outcomeId)) return { duplicate: true };
    const { ref, job, campaign } = await this.deps.leases.held(leaseId);
    const lead = job.data.lead;
    const outcome: CallOutcome = { ...report, leadKey: lead.key, campaign: ref.campaign };
    const fresh = await intake.enqueue({
      kind: "outcome",
      outcome,
      lead: {
        integration: lead.integration,
        objectType: lead.objectType,
        crmId: lead.crmId,
        phone: lead.phone,
        ...(lead.membership ? { membershipId: lead.membership.id } : {}),
      },
    });
    if (!fresh) return { duplicate: true };
    const now = this.deps.now();
    const counters = this.deps.redis.pipeline();
    this.deps.stats.record(counters, ref.campaign, report.disposition);
    // A call the dialer placed is an attempt on the number, whatever the campaign (frequency caps).
    if (report.direction !== "inbound")
      this.deps.attempts.record(counters, lead.phone, report.outcomeId, now);
    this.deps.abandonment.record(counters, ref.campaign, report.disposition, now);
    for (const [error] of (await counters.exec()) ?? []) if (error) throw error;
    const step = nextStep({
      campaign,
      disposition: report.disposition,
      attemptsBefore: job.data.attempts ?? 0,
      callbackAt: report.callbackAt,
      consentRevoked: report.consentRevoked,
      now,
    });
    switch (step.action) {
      case "done":
        await job.moveToCompleted({ outcome: report.disposition }, ref.token, false);
        break;
      case "suppress":
        // The outcome's own Task carries DoNotCall to the CRM; here: stop every other queue calling.
        await this.deps.consent.apply(
          { phone: lead.phone, status: "opted_out", source: "agent" },
          { writeToCrm: false },
        );
        await job.moveToCompleted({ outcome: report.disposition, suppressed: true }, ref.token, false);
        break;
      case "retry":
      case "callback":
        await job.updateData({ ...job.data, attempts: step.attempts });
        await this.deps.dialQueues.get(ref.campaign).holdLeased(job, step.at, ref.token);
        break;
    }
    return { duplicate: false };
  }

  /** Outcomes per disposition in a campaign. */
  dispositionCounts(campaign: string): Promise<Record<string, number>> {
    return this.deps.stats.counts(campaign);
  }
}
