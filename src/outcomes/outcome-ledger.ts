import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import type { RedisWrites } from "../queues/redis-writes.js";
import { writebackJobId } from "../writeback/outcome-intake.js";

const seenTtlSeconds = 30 * 86_400;

/**
 * Accepting an outcome is one Lua step: the outcomeId's seen key is set (30 days, holding the
 * lease it was reported on) and the outcome's counters are written, or, when the key exists, nothing
 * is written and the lease it holds is returned. So counters count an outcome once, whatever retries.
 * Every key is passed in KEYS (cluster-safe when the prefix carries a hash tag).
 */
const acceptScript = `
local existing = redis.call('GET', KEYS[1])
if existing then return existing end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
for _, w in ipairs(cjson.decode(ARGV[3])) do
  local args = { w[1], KEYS[w[2]] }
  for i = 3, #w do args[#args + 1] = w[i] end
  redis.call(unpack(args))
end
return false
`;

/** Counter writes collected for the script: command, index of its key in KEYS (1-based), arguments. */
class ScriptWrites implements RedisWrites {
  readonly keys: string[] = [];
  readonly writes: Array<[string, number, ...string[]]> = [];

  constructor(private readonly firstKey: string) {}

  private at(key: string): number {
    let index = this.keys.indexOf(key);
    if (index < 0) index = this.keys.push(key) - 1;
    // KEYS[1] is the seen key.
    return index + 2;
  }
  hincrby(key: string, field: string, increment: number): this {
    this.writes.push(["HINCRBY", this.at(key), field, String(increment)]);
    return this;
  }
  pexpire(key: string, milliseconds: number): this {
    this.writes.push(["PEXPIRE", this.at(key), String(milliseconds)]);
    return this;
  }
  zadd(key: string, score: number, member: string): this {
    this.writes.push(["ZADD", this.at(key), String(score), member]);
    return this;
  }
  zremrangebyscore(key: string, min: string, max: string): this {
    this.writes.push(["ZREMRANGEBYSCORE", this.at(key), min, max]);
    return this;
  }
  /** A plain SET with a TTL (the lead's pending move), through the same generic loop: no Lua change. */
  setex(key: string, value: string, seconds: number): this {
    this.writes.push(["SET", this.at(key), value, "EX", String(seconds)]);
    return this;
  }
  allKeys(): string[] {
    return [this.firstKey, ...this.keys];
  }
}

const queuedSuffix = "|queued";

export type LedgerEntry =
  | { state: "unseen" }
  | { state: "other-lease" }
  | { state: "same-lease"; queued: boolean };

export type Acceptance = { accepted: true } | { accepted: false; sameLease: boolean };

/** Which outcomeIds telesync has accepted, on which lease (`outcome-seen:<hash>`, 30 days). */
export class OutcomeLedger {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private seenKey(outcomeId: string): string {
    return `${this.prefix}:outcome-seen:${writebackJobId("o", outcomeId)}`;
  }

  /** What the seen key holds for a lease: a hash, so lock tokens are not kept for 30 days. */
  private leaseMark(leaseId: string): string {
    return `lease:${createHash("sha256").update(leaseId).digest("hex").slice(0, 32)}`;
  }

  private sameLease(stored: string, leaseId: string): boolean {
    // Keys written before leases were recorded hold the writeback job id: a retry as before.
    return stored.startsWith(this.leaseMark(leaseId)) || !stored.startsWith("lease:");
  }

  /**
   * Whether the outcomeId was accepted, on this lease or another, and whether its writeback job is
   * known to be queued (a key written before leases were recorded counts as queued).
   */
  async lookup(outcomeId: string, leaseId: string): Promise<LedgerEntry> {
    const stored = await this.redis.get(this.seenKey(outcomeId));
    if (stored === null) return { state: "unseen" };
    if (!this.sameLease(stored, leaseId)) return { state: "other-lease" };
    return { state: "same-lease", queued: stored.endsWith(queuedSuffix) || !stored.startsWith("lease:") };
  }

  /** Note that the outcome's writeback job is queued: a retry need not queue it again. */
  async markQueued(outcomeId: string, leaseId: string): Promise<void> {
    await this.redis.set(this.seenKey(outcomeId), `${this.leaseMark(leaseId)}${queuedSuffix}`, "KEEPTTL");
  }

  /**
   * Accept the outcome on this lease and write its counters, in one step; or say who has it.
   * `transition` (the lead's move the outcome decided, see `LeadTransitions`) is written in the same
   * step, so an accepted outcome never lacks it, whatever dies after.
   */
  async accept(
    outcomeId: string,
    leaseId: string,
    count: (writes: RedisWrites) => void,
    transition?: { key: string; value: string },
  ): Promise<Acceptance> {
    const writes = new ScriptWrites(this.seenKey(outcomeId));
    count(writes);
    if (transition) writes.setex(transition.key, transition.value, seenTtlSeconds);
    const keys = writes.allKeys();
    const stored = (await this.redis.eval(
      acceptScript,
      keys.length,
      ...keys,
      this.leaseMark(leaseId),
      String(seenTtlSeconds),
      JSON.stringify(writes.writes),
    )) as string | null;
    if (stored === null) return { accepted: true };
    return { accepted: false, sameLease: this.sameLease(stored, leaseId) };
  }
}
