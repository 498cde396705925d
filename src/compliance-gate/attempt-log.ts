import type { Redis } from "ioredis";
import type { RedisWrites } from "../queues/redis-writes.js";

/**
 * Call attempts per number, across every campaign of this seller: one sorted set per E.164 number,
 * member = outcome id, score = when the outcome was accepted (telesync's clock). The acceptance time
 * is never earlier than the call, so an attempt ages out of a rolling cap no sooner than it should.
 * Entries older than the retention are trimmed on every write and the key expires after it.
 */
export class AttemptLog {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    /** How far back attempts matter: the longest cap window in force (at least 24 h). */
    readonly retentionMs: number,
  ) {}

  /** The number's attempt set (reservations live beside it, see AttemptReservations). */
  keyOf(phone: string): string {
    return `${this.prefix}:attempts:${phone}`;
  }

  /** Add an attempt to a pipeline (written with the outcome's other counters). */
  record(pipeline: RedisWrites, phone: string, outcomeId: string, at: Date): void {
    const key = this.keyOf(phone);
    pipeline.zadd(key, at.getTime(), outcomeId);
    pipeline.zremrangebyscore(key, "-inf", `(${at.getTime() - this.retentionMs}`);
    pipeline.pexpire(key, this.retentionMs);
  }

  /** Attempt times per number within the retention before `now`, in one round trip. */
  async read(phones: readonly string[], now: Date): Promise<Date[][]> {
    if (phones.length === 0) return [];
    const pipeline = this.redis.pipeline();
    const from = now.getTime() - this.retentionMs;
    for (const phone of phones) pipeline.zrangebyscore(this.keyOf(phone), `(${from}`, "+inf", "WITHSCORES");
    const results = (await pipeline.exec()) ?? [];
    return results.map(([error, reply]) => {
      if (error) throw error;
      const flat = reply as string[];
      const times: Date[] = [];
      for (let i = 1; i < flat.length; i += 2) times.push(new Date(Number(flat[i])));
      return times;
    });
  }
}
