import { type AbandonmentCounts, type AbandonmentStatus, abandonmentStatus } from "../compliance/index.js";
import type { Redis } from "../queues/connection.js";
import { redisKeys } from "../queues/keys.js";
import type { RedisWrites } from "../queues/redis-writes.js";

/** Dispositions where a live person answered: the denominator of the abandonment rate. */
export const liveAnsweredDispositions: ReadonlySet<string> = new Set([
  "connected",
  "not_interested",
  "callback",
  "abandoned",
]);
export const abandonedDisposition = "abandoned";

const DAY_MS = 86_400_000;
/** The rolling period of 47 CFR 64.1200(a)(7): 30 days (today and the 29 days before, UTC). */
const periodDays = 30;

export interface CampaignAbandonment extends AbandonmentStatus, AbandonmentCounts {
  readonly threshold: number;
}

/**
 * Abandoned and live-answered calls per campaign per UTC day (a hash per day, kept 31 days), summed
 * over the rolling 30 days for the campaign's abandonment guard.
 */
export class AbandonmentCounter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(campaign: string, day: number): string {
    return redisKeys(this.prefix).abandonment(campaign, new Date(day * DAY_MS).toISOString().slice(0, 10));
  }

  /** Count an outcome (in a pipeline); dispositions that are not live-answered are not counted. */
  record(pipeline: RedisWrites, campaign: string, disposition: string, at: Date): void {
    if (!liveAnsweredDispositions.has(disposition)) return;
    const key = this.key(campaign, Math.floor(at.getTime() / DAY_MS));
    pipeline.hincrby(key, "live", 1);
    if (disposition === abandonedDisposition) pipeline.hincrby(key, "abandoned", 1);
    pipeline.pexpire(key, (periodDays + 1) * DAY_MS);
  }

  async counts(campaign: string, now: Date): Promise<AbandonmentCounts> {
    const today = Math.floor(now.getTime() / DAY_MS);
    const pipeline = this.redis.pipeline();
    for (let day = today - periodDays + 1; day <= today; day++)
      pipeline.hmget(this.key(campaign, day), "abandoned", "live");
    let abandoned = 0;
    let liveAnswered = 0;
    for (const [error, reply] of (await pipeline.exec()) ?? []) {
      if (error) throw error;
      const [a, l] = reply as [string | null, string | null];
      abandoned += Number(a ?? 0);
      liveAnswered += Number(l ?? 0);
    }
    return { abandoned, liveAnswered };
  }

  /** The campaign's rolling rate against its threshold (`previewOnly` once reached). */
  async status(campaign: string, threshold: number, now: Date): Promise<CampaignAbandonment> {
    const counts = await this.counts(campaign, now);
    return { ...counts, ...abandonmentStatus(counts, threshold), threshold };
  }
}
