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
 * backwards re-reads.
 */
export class AbandonmentGuard {
  private readonly cache = new Map<string, { readAt: number; previewOnly: boolean }>();

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
    const { previewOnly } = await this.deps.counter.status(campaign, this.deps.threshold(campaign), now);
    this.cache.set(campaign, { readAt: now.getTime(), previewOnly });
    return previewOnly;
  }

  /** Count an outcome (in the caller's pipeline); the cached status ages out by itself. */
  record(pipeline: RedisWrites, campaign: string, disposition: string, at: Date): void {
    this.deps.counter.record(pipeline, campaign, disposition, at);
  }
}
