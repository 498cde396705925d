import { randomUUID } from "node:crypto";
import { Job, Worker } from "bullmq";
import type { AbandonmentGuard } from "../compliance-gate/abandonment-guard.js";
import { type LeaseCaps, leadPhones } from "../compliance-gate/lease-caps.js";
import type { GateVerdict, LeaseGate } from "../compliance-gate/lease-gate.js";
import { ownEntry } from "../config/lookup.js";
import type { CampaignConfig } from "../config/schema.js";
import type { Script } from "../config/script-schema.js";
import type { SuppressionList } from "../consent/suppression.js";
import type { Lead } from "../model/lead.js";
import type { Logger } from "../observability/logger.js";
import type { Redis } from "../queues/connection.js";
import { createRedis } from "../queues/connection.js";
import { blockedOutcome, type DialJobData } from "../queues/dial-queue.js";
import type { DialQueueRegistry } from "../queues/dial-queue-registry.js";
import { redisKeys } from "../queues/keys.js";
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
  /**
   * The internal do-not-call list, checked at every lease: here, unless the gate checks it itself
   * (`LeaseGate.checksInternalDnc`, as telesync's does), so a lease reads it once.
   */
  suppression: Pick<SuppressionList, "firstSuppressed">;
  /** Whether a campaign's leases are preview-only (its abandonment rate). */
  abandonment: Pick<AbandonmentGuard, "previewOnly">;
  /** The lease-time gate; without one every lead not suppressed is leasable. */
  gate?: LeaseGate | undefined;
  /** Frequency caps reserved at lease (telesync's gate); without them only the gate counts attempts. */
  caps?: Pick<LeaseCaps, "reserve" | "extend" | "drop"> | undefined;
  /** The lease workers' own connection is opened from this URL (closed by `close`). */
  redisUrl: string;
  /** `redis.cluster`: `redisUrl` lists a Redis Cluster's seed nodes. */
  redisCluster?: boolean | undefined;
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
  /**
   * How often (real ms) each campaign's held leads due on telesync's clock are released, in script
   * calls of a bounded chunk each (default 1000; keep it well under `bullmqFallbackMs`). A lease
   * that finds the queue empty releases at once as well.
   */
  dueReleaseIntervalMs?: number | undefined;
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
 * Due holds one release call moves to the wait list: ~0.7 ms of Redis on a busy 2-core machine
 * (BullMQ's own 1,000 at once held it 5–7 ms, every lease waiting behind it). A bigger backlog is
 * taken by the next calls at once, leases' commands running between them.
 */
const releaseBatch = 100;

/**
 * Leasing on BullMQ's manual job handling: the job lock is the lease, its token is in the lease id,
 * so any API instance can extend, release or complete any lease, and an abandoned lease returns to
 * the queue when its lock expires (the stalled-job check). What an outcome does is `OutcomeService`'s.
 */
export class LeaseService {
  private readonly workers = new Map<string, Worker<DialJobData>>();
  /** One due-release timer per campaign leased from this process. */
  private readonly releaseTimers = new Map<string, NodeJS.Timeout>();
  /** The release run going per campaign, and the instant (telesync clock) it releases for. */
  private readonly releasing = new Map<string, { run: Promise<number>; at: number }>();
  private readonly connection: Redis;

  constructor(private readonly deps: LeaseServiceDependencies) {
    this.connection = createRedis({ url: deps.redisUrl, cluster: deps.redisCluster ?? false }, "lease");
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
        prefix: redisKeys(this.deps.prefix).dialQueuePrefix(campaign),
        autorun: false,
        lockDuration: this.campaign(campaign).lease.ttl,
        stalledInterval: this.deps.stalledIntervalMs ?? 30_000,
        // Abandoned leases come back every time; attempts are counted from outcomes instead.
        maxStalledCount: Number.MAX_SAFE_INTEGER,
      });
      worker.on("error", (error) => this.deps.log.error({ err: error, campaign }, "lease worker error"));
      if (this.deps.returnAbandoned !== false) void worker.startStalledCheckTimer();
      this.workers.set(campaign, worker);
      const timer = setInterval(
        () => void this.releaseDue(campaign),
        this.deps.dueReleaseIntervalMs ?? 1_000,
      );
      timer.unref();
      this.releaseTimers.set(campaign, timer);
    }
    return worker;
  }

  /**
   * Release the campaign's held leads due on telesync's clock (`DialQueue.releaseDue`), batch after
   * batch until none is left; one run at a time per campaign in this process. Returns how many
   * delayed jobs this call made due (0 when it joined a run already going). A failure (Redis away)
   * is logged; the next tick tries again.
   */
  async releaseDue(campaign: string): Promise<number> {
    return this.releaseOnce(campaign);
  }

  /**
   * One release run, or the run already going when it reads the clock at `notBefore` or later (a
   * run that read it earlier may have missed what is due now: wait for it, then run again).
   */
  private async releaseOnce(campaign: string, notBefore = Number.NEGATIVE_INFINITY): Promise<number> {
    for (;;) {
      const running = this.releasing.get(campaign);
      if (!running) break;
      await running.run;
      if (running.at >= notBefore) return 0;
    }
    const at = this.deps.now().getTime();
    const run = (async () => {
      let released = 0;
      try {
        const queue = this.deps.dialQueues.get(campaign);
        for (;;) {
          const batch = await queue.releaseDue(releaseBatch, at);
          released += batch.released;
          if (batch.due < releaseBatch) break;
        }
      } catch (error) {
        this.deps.log.warn(
          { err: error, campaign },
          "releasing due held leads failed; the next tick retries",
        );
      }
      return released;
    })();
    this.releasing.set(campaign, { run, at });
    try {
      return await run;
    } finally {
      this.releasing.delete(campaign);
    }
  }

  /** The next lead that may be called now, leased to the caller; undefined when there is none. */
  async lease(campaign: string): Promise<Lease | undefined> {
    const config = this.campaign(campaign);
    const worker = this.worker(campaign);
    const queue = this.deps.dialQueues.get(campaign);
    const { gate } = this.deps;
    let releasedNow = false;
    for (let skipped = 0; skipped < maxSkipsPerLease; skipped++) {
      const token = randomUUID();
      let job = (await worker.getNextJob(token, { block: false })) as Job<DialJobData> | undefined;
      // Held leads due on telesync's clock are released by a timer; an empty queue does not wait
      // for its tick (a driven clock moves in jumps), once per lease.
      if (!job && !releasedNow) {
        releasedNow = true;
        await this.releaseOnce(campaign, this.deps.now().getTime());
        // Look again whatever this run released: another process's timer may have released the due
        // leads between the empty look and this run (then this run finds nothing to release).
        job = (await worker.getNextJob(token, { block: false })) as Job<DialJobData> | undefined;
      }
      if (!job?.id) return undefined;
      // [faults] An accepted outcome whose lead move missed its lease (process died, lock expired)
      // left the move recorded: apply it under this token, once, and take the next lead. Only a job
      // that came back through the stalled check (stalledCounter > 0) can carry one, so leases of
      // every other job pay nothing for this.
      if (job.stalledCounter > 0 && (await this.deps.transitions?.settle(campaign, job, token))) continue;
      const lead = job.data.lead;
      if (!gate?.checksInternalDnc) {
        const suppressed = await this.deps.suppression.firstSuppressed(leadPhones(lead));
        if (suppressed) {
          await job.moveToCompleted({ outcome: "suppressed" }, token, false);
          continue;
        }
      }
      const now = this.deps.now();
      const ends = new Date(now.getTime() + config.lease.ttl);
      const { caps } = this.deps;
      // One round trip: the gate's reads, the abandonment status (cached: mostly no read) and, when
      // the gate places the lead before reading (`locate`), the reservation of its frequency caps
      // (it lasts as long as the lock: an outcome may still come until then). The reservation script
      // counts attempts and live reservations itself, so reserving before the verdict is as safe as
      // after it; a lead the gate does not allow has it dropped with its hold or block.
      // A gate that reserves itself (`reservesCaps`, telesync's) does it in its reads' own script.
      const early = caps && gate?.locate ? gate.locate(lead, job.data.parsedPhone) : undefined;
      const inGate = early !== undefined && gate?.reservesCaps === true;
      const [verdict, reservedApart, previewOnly] = await Promise.all([
        gate
          ? gate(lead, campaign, now, early, inGate ? { token, ends } : undefined)
          : ({ decision: "allow" } as GateVerdict),
        early && !inGate ? caps?.reserve(lead, campaign, early.jurisdictions, token, now, ends) : undefined,
        this.deps.abandonment.previewOnly(campaign),
      ]);
      const earlyReserved = inGate
        ? (verdict.reserved ??
          // A gate that said it would reserve but did not: reserve apart rather than not at all.
          (await caps?.reserve(lead, campaign, early.jurisdictions, token, now, ends)))
        : reservedApart;
      const dropEarly = () =>
        earlyReserved?.reserved ? (caps?.drop(lead, token) ?? Promise.resolve()) : Promise.resolve();
      if (verdict.decision === "wait") {
        await Promise.all([queue.holdLeased(job, verdict.until, token), dropEarly()]);
        continue;
      }
      if (verdict.decision === "block") {
        await Promise.all([
          job.moveToCompleted(
            verdict.suppressed
              ? { outcome: "suppressed" }
              : {
                  outcome: blockedOutcome,
                  reason: verdict.reason,
                  ...(verdict.rule ? { rule: verdict.rule } : {}),
                },
            token,
            false,
          ),
          dropEarly(),
        ]);
        continue;
      }
      // A gate that cannot place a lead before deciding: the reservation now, beside the number's
      // last lease. A refused reservation means another lease holds this number right now, so its
      // last lease names a lead carrying it either way.
      const [reserved] = early
        ? [earlyReserved]
        : await Promise.all([
            caps?.reserve(lead, campaign, verdict.jurisdictions ?? [], token, now, ends),
            this.lastLeased(lead, now),
          ]);
      // The number's last lease (inbound attribution) is not waited for: commands on one connection
      // run in order, so whatever this process reads next sees it; a failure only loses the hint.
      if (early) void this.lastLeased(lead, now);
      if (reserved && !reserved.reserved) {
        await queue.holdLeased(job, reserved.retryAt, token);
        continue;
      }
      const notAfter = verdict.notAfter?.getTime();
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

  /** Record the lead as its numbers' last lease (inbound attribution); a failure is logged only. */
  private lastLeased(lead: Lead, now: Date): Promise<void> {
    const record = this.deps.lastLeased?.record(leadPhones(lead), lead.key, now);
    return (record ?? Promise.resolve()).catch((error: unknown) =>
      this.deps.log.warn({ err: error }, "recording the number's last lease failed"),
    );
  }

  /**
   * The leased job, checked to still be held under this lease's token, its lock renewed for the
   * campaign's TTL. 404 for an id telesync did not issue, 409 for a lease no longer held.
   */
  async held(leaseId: string): Promise<HeldLease> {
    const ref = decodeLeaseId(leaseId);
    if (!ref) throw new LeaseError(404, "unknown lease id");
    const campaign = this.campaign(ref.campaign);
    const { queue } = this.deps.dialQueues.get(ref.campaign);
    // Read and extend together (one round trip): extending a lock needs only the job id and token,
    // and a job that is gone has no lock to extend.
    const [job, extended] = await Promise.all([
      Job.fromId(queue, ref.jobId) as Promise<Job<DialJobData> | undefined>,
      new Job<DialJobData>(queue, "dial", {} as DialJobData, {}, ref.jobId).extendLock(
        ref.token,
        campaign.lease.ttl,
      ),
    ]);
    if (!job) throw new LeaseError(409, "lease is no longer held: the lead left the queue");
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
    // An outcome was accepted on this lease but its lead move did not run: the move wins.
    if (await this.deps.transitions?.settle(ref.campaign, job, ref.token)) return;
    await Promise.all([job.moveToWait(ref.token), this.deps.caps?.drop(job.data.lead, ref.token)]);
  }

  async close(): Promise<void> {
    for (const timer of this.releaseTimers.values()) clearInterval(timer);
    this.releaseTimers.clear();
    await Promise.all([...this.workers.values()].map((w) => w.close()));
    this.connection.disconnect();
  }
}
