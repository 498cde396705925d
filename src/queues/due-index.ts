import type { Redis } from "./connection.js";
import { redisKeys } from "./keys.js";

/**
 * When each held (delayed) dial job of one campaign is due, on telesync's clock.
 *
 * BullMQ promotes a delayed job by the Redis server's real time. telesync decides times on its own
 * clock (`TelesyncOptions.now`), which is the system clock in production and a driven clock in tests
 * and simulations. So every hold is written twice: to BullMQ as a real-time delay of `until − now()`
 * (in production: exactly `until`), and here as `until` on telesync's clock. Before each lease, the
 * jobs due here are promoted: with the system clock BullMQ has already done it (the promote is a
 * no-op); with a driven clock this is what releases them. The lease-time gate checks every lead
 * again anyway, so a job promoted early is only held again, never called early.
 */
export class DueIndex {
  private readonly key: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    campaign: string,
  ) {
    this.key = redisKeys(prefix).dueIndex(campaign);
  }

  /** Record (or move) the due time of held jobs, in one round trip. */
  async hold(entries: ReadonlyArray<{ jobId: string; until: number }>): Promise<void> {
    if (entries.length === 0) return;
    await this.redis.zadd(this.key, ...entries.flatMap(({ jobId, until }) => [until, jobId]));
  }

  /** Held jobs due at `now` (telesync clock, epoch ms), oldest first. */
  due(now: number, limit: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.key, "-inf", now, "LIMIT", 0, limit);
  }

  /** Forget a due entry unless it was moved later meanwhile (held again by another process). */
  async settle(jobId: string, now: number): Promise<void> {
    await this.redis.eval(
      "local s = redis.call('ZSCORE', KEYS[1], ARGV[1]) if s and tonumber(s) <= tonumber(ARGV[2]) then redis.call('ZREM', KEYS[1], ARGV[1]) end return 0",
      1,
      this.key,
      jobId,
      now,
    );
  }

  async forget(jobIds: readonly string[]): Promise<void> {
    if (jobIds.length > 0) await this.redis.zrem(this.key, ...jobIds);
  }
}
