import type { Redis } from "../queues/connection.js";
import { redisKeys } from "../queues/keys.js";
import type { RedisWrites } from "../queues/redis-writes.js";
import type { PhoneKeys } from "../security/phone-keys.js";

/**
 * The attempts of many numbers in one call (a sync page's worth). KEYS: attempt sets (one slot: the
 * attempts family). ARGV[1]: the exclusive lower bound (`(<ms>`). Only the sets with entries answer,
 * as (key index, [member, score, …]) pairs: most numbers have none, and a page then costs one
 * command and a near-empty reply instead of a command and a reply per number.
 */
const readScript = `
local out = {}
for i, key in ipairs(KEYS) do
  local found = redis.call('ZRANGEBYSCORE', key, ARGV[1], '+inf', 'WITHSCORES')
  if #found > 0 then
    out[#out + 1] = i
    out[#out + 1] = found
  end
end
return out
`;

interface AttemptCommands {
  telesyncReadAttempts(numberOfKeys: number, ...args: string[]): Promise<Array<number | string[]>>;
}

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
  ) {
    if (!("telesyncReadAttempts" in redis)) redis.defineCommand("telesyncReadAttempts", { lua: readScript });
  }

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

  /** Attempt times per number within the retention before `now`, in one round trip (one script call). */
  async read(phones: readonly string[], now: Date): Promise<Date[][]> {
    const perPhone = await this.entries(phones, now);
    return perPhone.map((entries) =>
      entries ? [...entries.values()].sort((a, b) => a.getTime() - b.getTime()) : [],
    );
  }

  /** A number's attempts within the retention before `now` (outcome id and when), newest first. */
  async recent(phone: string, now: Date, limit: number): Promise<Array<{ outcomeId: string; at: Date }>> {
    const [entries] = await this.entries([phone], now);
    return [...(entries ?? [])]
      .map(([outcomeId, at]) => ({ outcomeId, at }))
      .sort((a, b) => b.at.getTime() - a.at.getTime())
      .slice(0, limit);
  }

  /** Outcome id → attempt time per number (undefined: none), over every key name the number may have. */
  private async entries(phones: readonly string[], now: Date): Promise<Array<Map<string, Date> | undefined>> {
    if (phones.length === 0) return [];
    const from = now.getTime() - this.retentionMs;
    // Every key name a number may have (current hash key first, then keys before a rotation).
    const names: string[] = [];
    const owner: number[] = [];
    this.keyNames(phones).forEach((perPhone, i) => {
      for (const name of perPhone) {
        names.push(name);
        owner.push(i);
      }
    });
    const reply = await (this.redis as Redis & AttemptCommands).telesyncReadAttempts(
      names.length,
      ...names,
      `(${from}`,
    );
    const seen: Array<Map<string, Date> | undefined> = phones.map(() => undefined);
    for (let r = 0; r + 1 < reply.length; r += 2) {
      const phone = owner[(reply[r] as number) - 1] as number;
      const flat = reply[r + 1] as string[];
      const entries = seen[phone] ?? new Map<string, Date>();
      seen[phone] = entries;
      for (let i = 1; i < flat.length; i += 2) entries.set(flat[i - 1] as string, new Date(Number(flat[i])));
    }
    return seen;
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
