import type { RedisWrites } from "../queues/redis-writes.js";
import type { AbandonmentCounter } from "./abandonment-counter.js";

/** How long a campaign's abandonment status is reused, on telesync's clock. */
const maxAgeMs = 1_000;

/**
 * The campaign's abandonment guard as the lease path reads it: the 30-day status is re-read at most
 * once a second per process (summing 30 daily counters on every lease was the lease path's hottest
 * cost). Outcomes do not drop it: with outcomes arriving as fast as leases, dropping it per outcome
 * made nearly every lease re-read the counters. One outcome moves a 30-day rate by a hair, and the
 * rule is a rolling 30-day average, so a status up to a second old is as good as a fresh one.
 * Ages are measured on telesync's clock, the one the counters are written on; a clock moved
 * backwards re-reads. Leases that find the status stale while a read is under way share that read:
 * at a few hundred concurrent leases each stale second otherwise sent one 30-counter read per lease.
 */
export class AbandonmentGuard {
  private readonly cache = new Map<string, { readAt: number; previewOnly: boolean }>();
  /** The read under way per campaign, and the instant (telesync's clock) it reads for. */
  private readonly reading = new Map<string, { at: number; status: Promise<boolean> }>();

  constructor(
    private readonly deps: {
      counter: Pick<AbandonmentCounter, "record" | "status">;
      /** The campaign's threshold (`compliance.abandonmentThreshold`). */
      threshold: (campaign: string) => number;
      now: () => Date;
    },
  ) {}

  /** Whether leases of the campaign must be dialed in preview (the rate reached its threshold). */
  async previewOnly(campaign: string): Promise<boolean> {
    const now = this.deps.now();
    const cached = this.cache.get(campaign);
    const age = cached ? now.getTime() - cached.readAt : Number.POSITIVE_INFINITY;
    if (cached && age >= 0 && age < maxAgeMs) return cached.previewOnly;
    // A read under way is as fresh as one started now when it reads for an instant within the age
    // limit of `now` (not one read before a clock set back).
    const running = this.reading.get(campaign);
    const since = running ? now.getTime() - running.at : Number.POSITIVE_INFINITY;
    if (running && since >= 0 && since < maxAgeMs) return running.status;
    const at = now.getTime();
    const status = this.read(campaign, now);
    this.reading.set(campaign, { at, status });
    try {
      return await status;
    } finally {
      if (this.reading.get(campaign)?.status === status) this.reading.delete(campaign);
    }
  }

  private async read(campaign: string, now: Date): Promise<boolean> {
    const { previewOnly } = await this.deps.counter.status(campaign, this.deps.threshold(campaign), now);
    this.cache.set(campaign, { readAt: now.getTime(), previewOnly });
    return previewOnly;
  }

  /** Count an outcome (in the caller's pipeline); the cached status ages out by itself. */
  record(pipeline: RedisWrites, campaign: string, disposition: string, at: Date): void {
    this.deps.counter.record(pipeline, campaign, disposition, at);
  }
}
