import type { Redis } from "../queues/connection.js";
import { redisKeys } from "../queues/keys.js";
import type { RedisWrites } from "../queues/redis-writes.js";

/** Why an accepted outcome was flagged: its call started after the lease's `notAfter`. */
export type ComplianceFlagKind = "startedAfterNotAfter";

/** Time buckets of the outcome series: UTC hours and days on telesync's clock. */
export type SeriesUnit = "hour" | "day";

/** How long each bucket is kept: two weeks of hours, a bit more than a year of days. */
const bucketRetentionMs: Record<SeriesUnit, number> = { hour: 15 * 86_400_000, day: 400 * 86_400_000 };
const bucketMs: Record<SeriesUnit, number> = { hour: 3_600_000, day: 86_400_000 };

/** The start of the UTC hour or day holding `at`. */
export function bucketStart(unit: SeriesUnit, at: number): number {
  return at - (at % bucketMs[unit]);
}

/** One bucket of the outcome series: its start (ISO, UTC) and the outcomes by disposition in it. */
export interface SeriesBucket {
  start: string;
  counts: Record<string, number>;
}

/**
 * Outcomes per disposition per campaign (`stats:<campaign>:dispositions`), for the stats endpoint,
 * and per UTC hour and day (`stats:<campaign>:outcomes:<unit>:<bucket start ms>`), for the admin
 * page's "over time" view: counted in the acceptance step, so a retried outcome counts once.
 */
export class DispositionStats {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  key(campaign: string): string {
    return redisKeys(this.prefix).campaignStats(campaign, "dispositions");
  }

  private bucketKey(campaign: string, unit: SeriesUnit, start: number): string {
    return redisKeys(this.prefix).outcomeBucket(campaign, unit, start);
  }

  /**
   * Count an outcome (in the caller's pipeline, with the outcome's other counters); with `at` (when
   * it was accepted, telesync's clock) also in its hour and day buckets.
   */
  record(pipeline: RedisWrites, campaign: string, disposition: string, at?: Date): void {
    pipeline.hincrby(this.key(campaign), disposition, 1);
    if (!at) return;
    for (const unit of ["hour", "day"] as const) {
      const key = this.bucketKey(campaign, unit, bucketStart(unit, at.getTime()));
      pipeline.hincrby(key, disposition, 1);
      pipeline.pexpire(key, bucketRetentionMs[unit]);
    }
  }

  /** The `count` buckets ending with the one holding `end`, oldest first (empty buckets included). */
  async series(campaign: string, unit: SeriesUnit, end: Date, count: number): Promise<SeriesBucket[]> {
    const last = bucketStart(unit, end.getTime());
    const starts = Array.from({ length: count }, (_, i) => last - (count - 1 - i) * bucketMs[unit]);
    const pipeline = this.redis.pipeline();
    for (const start of starts) pipeline.hgetall(this.bucketKey(campaign, unit, start));
    const answers = (await pipeline.exec()) ?? [];
    return starts.map((start, i) => {
      const [error, raw] = answers[i] ?? [null, {}];
      if (error) throw error;
      const counts = Object.fromEntries(
        Object.entries((raw ?? {}) as Record<string, string>).map(([k, v]) => [k, Number(v)]),
      );
      return { start: new Date(start).toISOString(), counts };
    });
  }

  private flagsKey(campaign: string): string {
    return redisKeys(this.prefix).campaignStats(campaign, "compliance-flags");
  }

  /** Count an outcome flagged by compliance (same pipeline), per kind of flag. */
  recordFlag(pipeline: RedisWrites, campaign: string, kind: ComplianceFlagKind): void {
    pipeline.hincrby(this.flagsKey(campaign), kind, 1);
  }

  async flagCounts(campaign: string): Promise<Partial<Record<ComplianceFlagKind, number>>> {
    const raw = await this.redis.hgetall(this.flagsKey(campaign));
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Number(v)]));
  }

  async counts(campaign: string): Promise<Record<string, number>> {
    const raw = await this.redis.hgetall(this.key(campaign));
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Number(v)]));
  }
}
