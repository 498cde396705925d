import { randomUUID } from "node:crypto";
import { Job, Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { AbandonmentGuard } from "../compliance-gate/abandonment-guard.js";
import type { LeaseCaps } from "../compliance-gate/lease-caps.js";
import type { LeaseGate } from "../compliance-gate/lease-gate.js";
import { ownEntry } from "../config/lookup.js";
import type { CampaignConfig } from "../config/schema.js";
import type { Script } from "../config/script-schema.js";
import type { SuppressionList } from "../consent/suppression.js";
import type { Lead } from "../model/lead.js";
import type { Logger } from "../observability/logger.js";
import { createRedis } from "../queues/connection.js";
import { blockedOutcome, type DialJobData } from "../queues/dial-queue.js";
import type { DialQueueRegistry } from "../queues/dial-queue-registry.js";
import type { LastLeased } from "../queues/last-leased.js";
import { queueNames } from "../queues/names.js";
import { LeaseError } from "./errors.js";
import { decodeLeaseId, encodeLeaseId, type LeaseRef } from "./lease-id.js";
import type { LeadTransitions } from "./pending-transition.js";

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
  /** The campaign's call script, when it has one: outcomes may carry answers to it. */
  script?: Script;
}

/** A lease still held: its parts and the leased job, whose lock was just renewed. */
export interface HeldLease {
  ref: LeaseRef;
  job: Job<DialJobData>;
  campaign: CampaignConfig;
}

export interface LeaseServiceDependencies {
  /** The campaigns of the config: lease TTL per campaign; any other name answers 404. */
  campaigns: Readonly<Record<string, CampaignConfig>>;
  dialQueues: Pick<DialQueueRegistry, "get">;
  /** The internal do-not-call list, checked at every lease. */
  suppression: Pick<SuppressionList, "firstSuppressed">;
  /** Whether a campaign's leases are preview-only (its abandonment rate). */
  abandonment: Pick<AbandonmentGuard, "previewOnly">;
  /** The lease-time gate; without one every lead not suppressed is leasable. */
  gate?: LeaseGate | undefined;
  /** Frequency caps reserved at lease (telesync's gate); without them only the gate counts attempts. */
  caps?: Pick<LeaseCaps, "reserve" | "extend" | "drop"> | undefined;
  /** The lease workers' own connection is opened from this URL (closed by `close`). */
  redisUrl: string;
  prefix: string;
  /** telesync's clock. */
  now: () => Date;
  log: Logger;
  /** Which lead was last leased for a number: inbound calls from it are attributed to that lead. */
  lastLeased?: Pick<LastLeased, "record"> | undefined;
  /** Outcomes' lead moves that missed their lease (see `LeadTransitions`): applied at the next lease. */
  transitions?: Pick<LeadTransitions, "settle"> | undefined;
  /** Run the stalled check that returns abandoned leases (one process suffices; more is harmless). */
  returnAbandoned?: boolean | undefined;
  stalledIntervalMs?: number | undefined;
}

/**
 * Until when the dialer may call under the lease: the TTL from now, never past the lead's calling
 * window (`notAfter`). The lock itself keeps the full TTL, so the outcome of a call that was running
 * when the window closed can still be reported.
 */
function expiresAt(now: number, ttlMs: number, notAfter: number | undefined): string {
  return new Date(Math.min(now + ttlMs, notAfter ?? Number.POSITIVE_INFINITY)).toISOString();
}

/** Leads a lease may pass over (suppressed, out of hours) before answering "nothing now". */
const maxSkipsPerLease = 100;

/**
 * Leasing on BullMQ's manual job handling: the job lock is the lease, its token is in the lease id,
 * so any API instance can extend, release or complete any lease, and an abandoned lease returns to
 * the queue when its lock expires (the stalled-job check). What an outcome does is `OutcomeService`'s.
 */
export class LeaseService {
  private readonly workers = new Map<string, Worker<DialJobData>>();
  private readonly connection: Redis;

  constructor(private readonly deps: LeaseServiceDependencies) {
    this.connection = createRedis(deps.redisUrl, "lease");
  }

  private campaign(name: string): CampaignConfig {
    const campaign = ownEntry(this.deps.campaigns, name);
    if (!campaign) throw new LeaseError(404, `unknown campaign "${name}"`, "campaign_not_found");
    return campaign;
  }

  private worker(campaign: string): Worker<DialJobData> {
    let worker = this.workers.get(campaign);
    if (!worker) {
      worker = new Worker<DialJobData>(queueNames.dial(campaign), null, {
        connection: this.connection,
        prefix: this.deps.prefix,
        autorun: false,
        lockDuration: this.campaign(campaign).lease.ttl,
        stalledInterval: this.deps.stalledIntervalMs ?? 30_000,
        // Abandoned leases come back every time; attempts are counted from outcomes instead.
        maxStalledCount: Number.MAX_SAFE_INTEGER,
      });
      worker.on("error", (error) => this.deps.log.error({ err: error, campaign }, "lease worker error"));
      if (this.deps.returnAbandoned !== false) void worker.startStalledCheckTimer();
      this.workers.set(campaign, worker);
    }
    return worker;
  }

  /** The next lead that may be called now, leased to the caller; undefined when there is none. */
  async lease(campaign: string): Promise<Lease | undefined> {
    const config = this.campaign(campaign);
    const worker = this.worker(campaign);
    const queue = this.deps.dialQueues.get(campaign);
    // Held leads due on telesync's clock become leasable (see DueIndex: BullMQ runs on real time).
    await queue.promoteDue();
    let previewOnly: boolean | undefined;
    for (let skipped = 0; skipped < maxSkipsPerLease; skipped++) {
      const token = randomUUID();
      const job = (await worker.getNextJob(token, { block: false })) as Job<DialJobData> | undefined;
      if (!job?.id) return undefined;
      // [faults] An accepted outcome whose lead move missed its lease (process died, lock expired)
      // left the move recorded: apply it under this token, once, and take the next lead. Only a job
      // that came back through the stalled check (stalledCounter > 0) can carry one, so leases of
      // every other job pay nothing for this.
      if (job.stalledCounter > 0 && (await this.deps.transitions?.settle(campaign, job, token))) continue;
      const lead = job.data.lead;
      const suppressed = await this.deps.suppression.firstSuppressed([lead.phone, ...(lead.altPhones ?? [])]);
      if (suppressed) {
        await job.moveToCompleted({ outcome: "suppressed" }, token, false);
        continue;
      }
      const now = this.deps.now();
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
      // The reservation lasts as long as the lock: an outcome may still come until then.
      const reserved = await this.deps.caps?.reserve(
        lead,
        campaign,
        verdict.jurisdictions ?? [],
        token,
        now,
        new Date(now.getTime() + config.lease.ttl),
      );
      if (reserved && !reserved.reserved) {
        await queue.holdLeased(job, reserved.retryAt, token);
        continue;
      }
      previewOnly ??= await this.deps.abandonment.previewOnly(campaign);
      const notAfter = verdict.notAfter?.getTime();
      await this.deps.lastLeased?.record([lead.phone, ...(lead.altPhones ?? [])], lead.key, now);
      return {
        leaseId: encodeLeaseId({ campaign, jobId: job.id, token, ...(notAfter ? { notAfter } : {}) }),
        expiresAt: expiresAt(now.getTime(), config.lease.ttl, notAfter),
        ...(verdict.notAfter ? { notAfter: verdict.notAfter.toISOString() } : {}),
        previewOnly,
        attempts: job.data.attempts ?? 0,
        lead,
        ...(config.script ? { script: config.script } : {}),
      };
    }
    return undefined;
  }

  /**
   * The leased job, checked to still be held under this lease's token, its lock renewed for the
   * campaign's TTL. 404 for an id telesync did not issue, 409 for a lease no longer held.
   */
  async held(leaseId: string): Promise<HeldLease> {
    const ref = decodeLeaseId(leaseId);
    if (!ref) throw new LeaseError(404, "unknown lease id");
    const campaign = this.campaign(ref.campaign);
    const job = (await Job.fromId(this.deps.dialQueues.get(ref.campaign).queue, ref.jobId)) as
      | Job<DialJobData>
      | undefined;
    if (!job) throw new LeaseError(409, "lease is no longer held: the lead left the queue");
    const extended = await job.extendLock(ref.token, campaign.lease.ttl);
    if (!extended)
      throw new LeaseError(409, "lease is no longer held: it expired or was completed or released");
    return { ref, job, campaign };
  }

  /** Renew the lease for the campaign's TTL, never past its `notAfter` (409 once that has passed). */
  async extend(leaseId: string): Promise<{ expiresAt: string }> {
    const ref = decodeLeaseId(leaseId);
    if (!ref) throw new LeaseError(404, "unknown lease id");
    const now = this.deps.now().getTime();
    if (ref.notAfter !== undefined && ref.notAfter <= now)
      throw new LeaseError(409, "lease cannot be extended: the lead's calling window closed at its notAfter");
    const { campaign, job } = await this.held(leaseId);
    await this.deps.caps?.extend(job.data.lead, ref.token, new Date(now), new Date(now + campaign.lease.ttl));
    return { expiresAt: expiresAt(now, campaign.lease.ttl, ref.notAfter) };
  }

  /** Give the lead back to the queue now, uncalled. */
  async release(leaseId: string): Promise<void> {
    const { ref, job } = await this.held(leaseId);
    // [faults] An outcome was accepted on this lease but its move did not run: the move wins.
    if (await this.deps.transitions?.settle(ref.campaign, job, ref.token)) return;
    await job.moveToWait(ref.token);
    await this.deps.caps?.drop(job.data.lead, ref.token);
  }

  async close(): Promise<void> {
    await Promise.all([...this.workers.values()].map((w) => w.close()));
    this.connection.disconnect();
  }
}
