import type { Redis } from "../queues/connection.js";
import { redisKeys } from "../queues/keys.js";
import type { RedisWrites } from "../queues/redis-writes.js";
import type { PhoneKeys } from "../security/phone-keys.js";

/**
 * Call attempts per number, across every campaign of this seller: one sorted set per E.164 number,
 * member = outcome id, score = when the outcome was accepted (telesync's clock). The acceptance time
 * is never earlier than the call, so an attempt ages out of a rolling cap no sooner than it should.
 * Entries older than the retention are trimmed on every write and the key expires after it.
 * The key names the number by its keyed hash (`attempts:<hmac>`), never the digits.
 */
export class AttemptLog {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    /** How far back attempts matter: the longest cap window in force (at least 24 h). */
    readonly retentionMs: number,
    private readonly phoneKeys: PhoneKeys,
  ) {}

  /** The number's attempt set under its current key name (reservations live beside it). */
  keyOf(phone: string): string {
    return redisKeys(this.prefix).attempts(this.phoneKeys.current(phone));
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
    // Every key name a number may have (current hash key first, then keys before a rotation).
    const names = phones.map((phone) =>
      this.phoneKeys.all(phone).map((h) => redisKeys(this.prefix).attempts(h)),
    );
    for (const name of names.flat()) pipeline.zrangebyscore(name, `(${from}`, "+inf", "WITHSCORES");
    const results = (await pipeline.exec()) ?? [];
    let next = 0;
    return names.map((perPhone) => {
      const seen = new Map<string, Date>();
      for (let k = 0; k < perPhone.length; k++) {
        const [error, reply] = results[next++] ?? [null, []];
        if (error) throw error;
        const flat = reply as string[];
        for (let i = 1; i < flat.length; i += 2) seen.set(flat[i - 1] as string, new Date(Number(flat[i])));
      }
      return [...seen.values()].sort((a, b) => a.getTime() - b.getTime());
    });
  }
}
