import type { Redis } from "../queues/connection.js";
import { redisKeys } from "../queues/keys.js";

export interface SuppressionEntry {
  source: string;
  at: string;
  reason?: string;
}

/**
 * The internal do-not-call list: E.164 numbers that no lease may hand out. Checked at every lease;
 * written before the API answers, so an opt-out holds from the moment it is acknowledged.
 */
export class SuppressionList {
  private readonly setKey: string;
  private readonly metaKey: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.setKey = redisKeys(prefix).doNotCall("phones");
    this.metaKey = redisKeys(prefix).doNotCall("meta");
  }

  /** The set of suppressed numbers (read with the gate's other state, `GateReads`). */
  get phonesKey(): string {
    return this.setKey;
  }

  async add(phones: string[], entry: SuppressionEntry): Promise<void> {
    if (phones.length === 0) return;
    const meta = JSON.stringify(entry);
    await this.redis
      .multi()
      .sadd(this.setKey, ...phones)
      .hset(this.metaKey, Object.fromEntries(phones.map((p) => [p, meta])))
      .exec();
  }

  async remove(phones: string[]): Promise<void> {
    if (phones.length === 0) return;
    await this.redis
      .multi()
      .srem(this.setKey, ...phones)
      .hdel(this.metaKey, ...phones)
      .exec();
  }

  /** The first suppressed number among `phones`, if any. */
  async firstSuppressed(phones: string[]): Promise<string | undefined> {
    if (phones.length === 0) return undefined;
    const flags = await this.redis.smismember(this.setKey, ...phones);
    const index = flags.indexOf(1);
    return index >= 0 ? phones[index] : undefined;
  }

  /** Which of `phones` are suppressed (one round trip for a whole page of leads). */
  async suppressedAmong(phones: readonly string[]): Promise<Set<string>> {
    if (phones.length === 0) return new Set();
    const flags = await this.redis.smismember(this.setKey, ...phones);
    return new Set(phones.filter((_phone, i) => flags[i] === 1));
  }

  async entry(phone: string): Promise<SuppressionEntry | undefined> {
    const raw = await this.redis.hget(this.metaKey, phone);
    return raw ? (JSON.parse(raw) as SuppressionEntry) : undefined;
  }

  async size(): Promise<number> {
    return this.redis.scard(this.setKey);
  }
}
