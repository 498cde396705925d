import type { PhoneKeys } from "../security/phone-keys.js";
import type { Redis } from "./connection.js";
import { redisKeys } from "./keys.js";

/** Kept as long as an outcome's seen key; the configured attribution window is applied when read. */
const lastLeasedTtlSeconds = 30 * 86_400;

/** Which lead was most recently leased for a number (`phone-last-lease:<hash>`): inbound calls are attributed to it. */
export class LastLeased {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    /** Numbers never appear in Redis key names: the keyed hash of the phone index and attempt logs. */
    private readonly phoneKeys: PhoneKeys,
  ) {}

  private key(phone: string): string {
    return redisKeys(this.prefix).phoneLastLease(this.phoneKeys.current(phone));
  }

  /** The lead was leased at `at` (telesync's clock) for each of its numbers. */
  async record(phones: readonly string[], leadKey: string, at: Date): Promise<void> {
    if (phones.length === 0) return;
    const value = JSON.stringify({ leadKey, at: at.getTime() });
    // Plain commands sent together (one round trip): a pipeline object costs more than the SET.
    await Promise.all(
      [...new Set(phones)].map((phone) => this.redis.set(this.key(phone), value, "EX", lastLeasedTtlSeconds)),
    );
  }

  async lookup(phone: string): Promise<{ leadKey: string; at: Date } | undefined> {
    const stored = await this.redis.get(this.key(phone));
    if (!stored) return undefined;
    const { leadKey, at } = JSON.parse(stored) as { leadKey: string; at: number };
    return { leadKey, at: new Date(at) };
  }
}
