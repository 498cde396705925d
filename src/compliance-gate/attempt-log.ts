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

  /** Every key name each number's attempts may be under (current hash key first, then older keys). */
  keyNames(phones: readonly string[]): string[][] {
    const keys = redisKeys(this.prefix);
    return phones.map((phone) => this.phoneKeys.all(phone).map((h) => keys.attempts(h)));
  }

  /** Attempt times per number within the retention before `now`, in one round trip. */
  async read(phones: readonly string[], now: Date): Promise<Date[][]> {
    if (phones.length === 0) return [];
    const pipeline = this.redis.pipeline();
    const from = now.getTime() - this.retentionMs;
    const names = this.keyNames(phones);
    for (const name of names.flat()) pipeline.zrangebyscore(name, `(${from}`, "+inf", "WITHSCORES");
    const results = (await pipeline.exec()) ?? [];
    return this.parse(
      names,
      results.map(([error, reply]) => {
        if (error) throw error;
        return reply as string[];
      }),
    );
  }

  /** Attempt times per number from `ZRANGEBYSCORE … WITHSCORES` replies, one per name of `keyNames`. */
  parse(names: ReadonlyArray<readonly string[]>, replies: ReadonlyArray<readonly string[]>): Date[][] {
    let next = 0;
    return names.map((perPhone) => {
      const seen = new Map<string, number>();
      for (let k = 0; k < perPhone.length; k++) {
        const flat = replies[next++] ?? [];
        for (let i = 1; i < flat.length; i += 2) seen.set(flat[i - 1] as string, Number(flat[i]));
      }
      return [...seen.values()].sort((a, b) => a - b).map((at) => new Date(at));
    });
  }
}
