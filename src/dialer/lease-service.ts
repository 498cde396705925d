import { randomUUID } from "node:crypto";
import { Job, Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { RuleRef } from "../compliance/index.js";
import type { CampaignConfig } from "../config/schema.js";
import type { ConsentService } from "../consent/consent-service.js";
import type { Lead } from "../model/lead.js";
import type { CallOutcome } from "../model/outcome.js";
import { createRedis } from "../queues/connection.js";
import { blockedOutcome, type DialJobData } from "../queues/dial-queue.js";
import { queueNames } from "../queues/names.js";
import type { Telesync } from "../runtime/telesync.js";
import type { WritebackIntake } from "../writeback/outcome-intake.js";
import { LeaseError } from "./errors.js";
import { decodeLeaseId, encodeLeaseId, type LeaseRef } from "./lease-id.js";
import { nextStep } from "./outcome-policy.js";

export interface Lease {
  leaseId: string;
  expiresAt: string;
  /** Drop the lease after this instant: the lead's calling window closes then. */
  notAfter?: string;
  /**
   * The campaign's abandonment rate over 30 days reached its threshold: dial this lead in preview
   * (an agent on the line before it rings), not predictively.
   */
  previewOnly: boolean;
  attempts: number;
  lead: Lead;
}

/** What the lease-time gate says about a lead now: call, wait until a time, or never. */
export type GateVerdict =
  | { decision: "allow"; notAfter?: Date }
  | { decision: "wait"; until: Date; reason: string; rule?: RuleRef }
  | { decision: "block"; reason: string; rule?: RuleRef };

export type LeaseGate = (lead: Lead, campaign: string, now: Date) => Promise<GateVerdict>;

export type OutcomeReport = Omit<CallOutcome, "leadKey" | "campaign">;

/** Leads a lease may pass over (suppressed, out of hours) before answering "nothing now". */
const maxSkipsPerLease = 100;

/**
 * Leasing on BullMQ's manual job handling: the job lock is the lease, its token is in the lease id,
 * so any API instance can extend, release or complete any lease, and an abandoned lease returns to
 * the queue when its lock expires (the stalled-job check).
 */
export class LeaseService {
  private readonly workers = new Map<string, Worker<DialJobData>>();
  private readonly abandonmentCache = new Map<string, { readAt: number; previewOnly: boolean }>();
  private readonly connection: Redis;

  constructor(
    private readonly telesync: Telesync,
    private readonly deps: {
      consent: ConsentService;
      intake: WritebackIntake;
      gate?: LeaseGate;
      /** Default: telesync's clock. */
      now?: () => Date;
      /** Run the stalled check that returns abandoned leases (one process suffices; more is harmless). */
      returnAbandoned?: boolean;
      stalledIntervalMs?: number;
    },
  ) {
    this.connection = createRedis(telesync.config.redis.url, "lease");
  }

  private now(): Date {
    return this.deps.now?.() ?? this.telesync.now();
  }

  private campaign(name: string): CampaignConfig {
    const campaign = this.telesync.config.campaigns[name];
    if (!campaign) throw new LeaseError(404, `unknown campaign "${name}"`);
    return campaign;
  }

  private worker(campaign: string): Worker<DialJobData> {
    let worker = this.workers.get(campaign);
    if (!worker) {
      worker = new Worker<DialJobData>(queueNames.dial(campaign), null, {
        connection: this.connection,
        prefix: this.telesync.prefix,
        autorun: false,
        lockDuration: this.campaign(campaign).lease.ttl,
        stalledInterval: this.deps.stalledIntervalMs ?? 30_000,
        // Abandoned leases come back every time; attempts are counted from outcomes instead.
        maxStalledCount: Number.MAX_SAFE_INTEGER,
      });
      worker.on("error", (error) => this.telesync.log.error({ err: error, campaign }, "lease worker error"));
      if (this.deps.returnAbandoned !== false) void worker.startStalledCheckTimer();
      this.workers.set(campaign, worker);
    }
    return worker;
  }

  /** The next lead that may be called now, leased to the caller; undefined when there is none. */
  async lease(campaign: string): Promise<Lease | undefined> {
    const config = this.campaign(campaign);
    const worker = this.worker(campaign);
    const queue = this.telesync.dialQueue(campaign);
    // Held leads due on telesync's clock become leasable (see DueIndex: BullMQ runs on real time).
    await queue.promoteDue();
    let previewOnly: boolean | undefined;
    for (let skipped = 0; skipped < maxSkipsPerLease; skipped++) {
      const token = randomUUID();
      const job = (await worker.getNextJob(token, { block: false })) as Job<DialJobData> | undefined;
      if (!job?.id) return undefined;
      const lead = job.data.lead;
      const suppressed = await this.deps.consent.suppression.firstSuppressed([
        lead.phone,
        ...(lead.altPhones ?? []),
      ]);
      if (suppressed) {
        await job.moveToCompleted({ outcome: "suppressed" }, token, false);
        continue;
      }
      const now = this.now();
      const verdict = this.deps.gate
        ? await this.deps.gate(lead, campaign, now)
        : { decision: "allow" as const };
      if (verdict.decision === "wait") {
        await queue.holdLeased(job, verdict.until, token);
        continue;
      }
      if (verdict.decision === "block") {
        await job.moveToCompleted(
          {
            outcome: blockedOutcome,
            reason: verdict.reason,
            ...(verdict.rule ? { rule: verdict.rule } : {}),
          },
          token,
          false,
        );
        continue;
      }
      previewOnly ??= await this.previewOnly(campaign, config.compliance.abandonmentThreshold, now);
      return {
        leaseId: encodeLeaseId({ campaign, jobId: job.id, token }),
        expiresAt: new Date(now.getTime() + config.lease.ttl).toISOString(),
        ...(verdict.notAfter ? { notAfter: verdict.notAfter.toISOString() } : {}),
        previewOnly,
        attempts: job.data.attempts ?? 0,
        lead,
      };
    }
    return undefined;
  }

  /**
   * The campaign's abandonment guard, re-read at most once a second per process (and at once after
   * an outcome here): summing 30 daily counters on every lease was the lease path's hottest cost.
   */
  private async previewOnly(campaign: string, threshold: number, now: Date): Promise<boolean> {
    const cached = this.abandonmentCache.get(campaign);
    if (cached && Date.now() - cached.readAt < 1_000) return cached.previewOnly;
    const { previewOnly } = await this.telesync.compliance.abandonment.status(campaign, threshold, now);
    this.abandonmentCache.set(campaign, { readAt: Date.now(), previewOnly });
    return previewOnly;
  }

  /** The leased job, checked to still be held under this lease's token. */
  private async held(leaseId: string): Promise<{ ref: LeaseRef; job: Job<DialJobData> }> {
    const ref = decodeLeaseId(leaseId);
    if (!ref) throw new LeaseError(404, "unknown lease id");
    const campaign = this.campaign(ref.campaign);
    const job = (await Job.fromId(this.telesync.dialQueue(ref.campaign).queue, ref.jobId)) as
      | Job<DialJobData>
      | undefined;
    if (!job) throw new LeaseError(409, "lease is no longer held: the lead left the queue");
    const extended = await job.extendLock(ref.token, campaign.lease.ttl);
    if (!extended)
      throw new LeaseError(409, "lease is no longer held: it expired or was completed or released");
    return { ref, job };
  }

  async extend(leaseId: string): Promise<{ expiresAt: string }> {
    const { ref } = await this.held(leaseId);
    return {
      expiresAt: new Date(this.now().getTime() + this.campaign(ref.campaign).lease.ttl).toISOString(),
    };
  }

  /** Give the lead back to the queue now, uncalled. */
  async release(leaseId: string): Promise<void> {
    const { ref, job } = await this.held(leaseId);
    await job.moveToWait(ref.token);
  }

  /**
   * Record a call outcome: durably queued for the CRM, then the lead is done, retried later, called
   * back, or suppressed per the campaign's policy. A repeated outcomeId has no second effect.
   */
  async reportOutcome(leaseId: string, report: OutcomeReport): Promise<{ duplicate: boolean }> {
    if (await this.deps.intake.isKnownOutcome(report.outcomeId)) return { duplicate: true };
    const { ref, job } = await this.held(leaseId);
    const lead = job.data.lead;
    const outcome: CallOutcome = { ...report, leadKey: lead.key, campaign: ref.campaign };
    const fresh = await this.deps.intake.enqueue({
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
    const now = this.now();
    const counters = this.telesync.redis.pipeline();
    counters.hincrby(this.statsKey(ref.campaign), report.disposition, 1);
    // A call the dialer placed is an attempt on the number, whatever the campaign (frequency caps).
    if (report.direction !== "inbound")
      this.telesync.compliance.attempts.record(counters, lead.phone, report.outcomeId, now);
    this.telesync.compliance.abandonment.record(counters, ref.campaign, report.disposition, now);
    this.abandonmentCache.delete(ref.campaign);
    for (const [error] of (await counters.exec()) ?? []) if (error) throw error;
    const step = nextStep({
      campaign: this.campaign(ref.campaign),
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
        await this.telesync.dialQueue(ref.campaign).holdLeased(job, step.at, ref.token);
        break;
    }
    return { duplicate: false };
  }

  statsKey(campaign: string): string {
    return `${this.telesync.prefix}:stats:${campaign}:dispositions`;
  }

  async dispositionCounts(campaign: string): Promise<Record<string, number>> {
    this.campaign(campaign);
    const raw = await this.telesync.redis.hgetall(this.statsKey(campaign));
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Number(v)]));
  }

  async close(): Promise<void> {
    await Promise.all([...this.workers.values()].map((w) => w.close()));
    this.connection.disconnect();
  }
}
