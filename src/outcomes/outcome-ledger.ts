import { createHash } from "node:crypto";
import type { Redis } from "../queues/connection.js";
import { type RedisKeys, redisKeys, slotPart } from "../queues/keys.js";
import type { RedisWrites } from "../queues/redis-writes.js";
import { writebackJobId } from "../writeback/outcome-intake.js";

const seenTtlSeconds = 30 * 86_400;

/**
 * Accepting an outcome: the outcomeId's seen key is set (30 days, holding the lease it was reported
 * on) and the outcome's counters are written, or, when the key exists, nothing is written and the
 * lease it holds is returned. So counters count an outcome once, whatever retries.
 *
 * Every key is passed in KEYS, and one script touches one slot only (Redis Cluster). With a prefix
 * that is a hash tag everything is one slot, so acceptance is this one script. With per-slot tags
 * (`src/queues/keys.ts`) the counters of other slots (the campaign's, the attempts') are written
 * first, each slot by `countScript` under a marker of its own (`outcome-counted:<hash>`, set NX with
 * its writes in one step), and the seen key last: a crash in between leaves the seen key unset, so
 * the dialer's retry runs the same steps again and each marker lets its slot's writes through once.
 *
 * The outcome's receipt (`OutcomeReceipts`, the seen key's slot in both layouts) starts as
 * `accepted` in the same script when asked (ARGV[4]: its index in KEYS, ARGV[5]: its fields with
 * `rank` 0), as `OutcomeReceipts.accepted` writes it: only when no receipt has a rank yet; and
 * ARGV[6], when not empty, is who posted it (`OutcomeReceipts.postedBy`: the first poster keeps it).
 * ARGV[7], when given, is the index in KEYS of the integration's writeback outbox (same slot), and
 * ARGV[8..]: the entry's fields, appended (`WritebackOutbox`): the job is then as durable as the
 * acceptance, and `OutboxRelay` queues it.
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
if ARGV[4] and ARGV[4] ~= '' then
  local receipt = KEYS[tonumber(ARGV[4])]
  if redis.call('HEXISTS', receipt, 'rank') == 0 then
    redis.call('HDEL', receipt, 'nextAttemptAt', 'lastError')
    redis.call('HSET', receipt, unpack(cjson.decode(ARGV[5])))
    redis.call('EXPIRE', receipt, ARGV[2])
  end
  if ARGV[6] and ARGV[6] ~= '' then
    redis.call('HSETNX', receipt, 'postedBy', ARGV[6])
    redis.call('EXPIRE', receipt, ARGV[2])
  end
end
if ARGV[7] then
  local entry = { 'XADD', KEYS[tonumber(ARGV[7])], '*' }
  for i = 8, #ARGV do entry[#entry + 1] = ARGV[i] end
  redis.call(unpack(entry))
end
return false
`;

/** One slot's counters, once: KEYS[1] is the slot's marker for the outcome. */
const countScript = `
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then return 0 end
for _, w in ipairs(cjson.decode(ARGV[2])) do
  local args = { w[1], KEYS[w[2]] }
  for i = 3, #w do args[#args + 1] = w[i] end
  redis.call(unpack(args))
end
return 1
`;

/** Counter writes for one script: command, index of its key in KEYS (1-based), arguments. */
class SlotWrites {
  readonly keys: string[];
  readonly writes: Array<[string, number, ...string[]]> = [];

  /** `first`: KEYS[1], the seen key or the slot's marker. */
  constructor(first: string) {
    this.keys = [first];
  }

  at(key: string): number {
    let index = this.keys.indexOf(key);
    if (index < 0) index = this.keys.push(key) - 1;
    return index + 1;
  }
}

/** Counter writes collected for the scripts, grouped by the slot of their keys. */
class ScriptWrites implements RedisWrites {
  readonly seen: SlotWrites;
  /** Other slots' writes, by slot (in the single-slot layout there are none). */
  readonly others = new Map<string, SlotWrites>();

  constructor(
    private readonly keys: RedisKeys,
    seenKey: string,
    private readonly outcomeHash: string,
  ) {
    this.seen = new SlotWrites(seenKey);
  }

  private group(key: string): SlotWrites {
    const slot = this.keys.singleSlot ? "" : slotPart(key);
    if (this.keys.singleSlot || slot === slotPart(this.seen.keys[0] as string)) return this.seen;
    let group = this.others.get(slot);
    if (!group) {
      group = new SlotWrites(this.keys.besides(key, `outcome-counted:${this.outcomeHash}`));
      this.others.set(slot, group);
    }
    return group;
  }
  private push(command: string, key: string, ...args: string[]): this {
    const group = this.group(key);
    group.writes.push([command, group.at(key), ...args]);
    return this;
  }
  hincrby(key: string, field: string, increment: number): this {
    return this.push("HINCRBY", key, field, String(increment));
  }
  pexpire(key: string, milliseconds: number): this {
    return this.push("PEXPIRE", key, String(milliseconds));
  }
  zadd(key: string, score: number, member: string): this {
    return this.push("ZADD", key, String(score), member);
  }
  zremrangebyscore(key: string, min: string, max: string): this {
    return this.push("ZREMRANGEBYSCORE", key, min, max);
  }
  zrem(key: string, member: string): this {
    return this.push("ZREM", key, member);
  }
  /** A plain SET with a TTL (the lead's pending move), through the same generic write list. */
  setex(key: string, value: string, seconds: number): this {
    return this.push("SET", key, value, "EX", String(seconds));
  }
}

const queuedSuffix = "|queued";

/** A seen key's value says the writeback job is queued (a key written before leases were recorded: queued). */
const isQueued = (stored: string) => stored.endsWith(queuedSuffix) || !stored.startsWith("lease:");

export type LedgerEntry =
  | { state: "unseen" }
  | { state: "other-lease" }
  | { state: "same-lease"; queued: boolean };

export type Acceptance = { accepted: true } | { accepted: false; sameLease: boolean; queued: boolean };

interface LedgerCommands {
  telesyncAcceptOutcome(...args: string[]): Promise<string | null>;
  telesyncCountOutcome(...args: string[]): Promise<number>;
}

/** Which outcomeIds telesync has accepted, on which lease (`outcome-seen:<hash>`, 30 days). */
export class OutcomeLedger {
  private readonly redis: Redis & LedgerCommands;
  private readonly keys: RedisKeys;

  constructor(redis: Redis, prefix: string) {
    this.keys = redisKeys(prefix);
    // Loaded once per connection: EVALSHA, EVAL only after a script flush.
    if (!("telesyncAcceptOutcome" in redis)) {
      redis.defineCommand("telesyncAcceptOutcome", { lua: acceptScript });
      redis.defineCommand("telesyncCountOutcome", { lua: countScript });
    }
    this.redis = redis as Redis & LedgerCommands;
  }

  private seenKey(outcomeId: string): string {
    return this.keys.outcomeSeen(writebackJobId("o", outcomeId));
  }

  /** What the seen key holds for a lease: a hash, so lock tokens are not kept for 30 days. */
  private leaseMark(leaseId: string): string {
    return `lease:${createHash("sha256").update(leaseId).digest("hex").slice(0, 32)}`;
  }

  /**
   * Whether `accept` alone tells an outcomeId seen before (one script, the seen key checked first):
   * in the single-slot layout. With per-slot tags the other slots' counters go first, keyed by the
   * outcome and not the lease, so `lookup` must rule out another lease's outcomeId before them.
   */
  get acceptAnswersSeen(): boolean {
    return this.keys.singleSlot;
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
    return { state: "same-lease", queued: isQueued(stored) };
  }

  /** Note that the outcome's writeback job is queued: a retry need not queue it again. */
  async markQueued(outcomeId: string, leaseId: string): Promise<void> {
    await this.redis.set(this.seenKey(outcomeId), `${this.leaseMark(leaseId)}${queuedSuffix}`, "KEEPTTL");
  }

  /**
   * The same note as a key and value for another script of the seen key's slot to set (`SET … XX
   * KEEPTTL`): in the single-slot layout, where every key shares it; else undefined (`markQueued`).
   */
  queuedMark(outcomeId: string, leaseId: string): { key: string; value: string } | undefined {
    if (!this.keys.singleSlot) return undefined;
    return { key: this.seenKey(outcomeId), value: `${this.leaseMark(leaseId)}${queuedSuffix}` };
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
    /** The receipt's `accepted` state, written with the acceptance (`OutcomeReceipts.acceptedWrite`). */
    receipt?: { key: string; fields: string[]; postedBy?: string | undefined },
    /**
     * The writeback job's outbox entry (`WritebackOutbox.entry`), appended with the acceptance: the
     * seen key then says queued at once (the relay queues it; a retry need not).
     */
    outbox?: { key: string; fields: string[] },
  ): Promise<Acceptance> {
    const hash = writebackJobId("o", outcomeId);
    const writes = new ScriptWrites(this.keys, this.keys.outcomeSeen(hash), hash);
    count(writes);
    if (transition) writes.setex(transition.key, transition.value, seenTtlSeconds);
    // Other slots first, each once (its marker); the seen key last (see `acceptScript`).
    await Promise.all(
      [...writes.others.values()].map((group) =>
        this.redis.telesyncCountOutcome(
          String(group.keys.length),
          ...group.keys,
          String(seenTtlSeconds),
          JSON.stringify(group.writes),
        ),
      ),
    );
    const seenSlot = slotPart(writes.seen.keys[0] as string);
    if (receipt && !this.keys.singleSlot && slotPart(receipt.key) !== seenSlot)
      throw new Error("an outcome's receipt must share its seen key's slot");
    if (outbox && !this.keys.singleSlot && slotPart(outbox.key) !== seenSlot)
      throw new Error("a writeback outbox must share the seen key's slot");
    // Positional: empty strings where the receipt or its poster are not given.
    const extraArgs = [
      receipt ? String(writes.seen.at(receipt.key)) : "",
      receipt ? JSON.stringify(receipt.fields) : "",
      receipt?.postedBy ?? "",
      ...(outbox ? [String(writes.seen.at(outbox.key)), ...outbox.fields] : []),
    ];
    while (extraArgs.at(-1) === "") extraArgs.pop();
    const stored = await this.redis.telesyncAcceptOutcome(
      String(writes.seen.keys.length),
      ...writes.seen.keys,
      `${this.leaseMark(leaseId)}${outbox ? queuedSuffix : ""}`,
      String(seenTtlSeconds),
      JSON.stringify(writes.seen.writes),
      ...extraArgs,
    );
    if (stored === null) return { accepted: true };
    return { accepted: false, sameLease: this.sameLease(stored, leaseId), queued: isQueued(stored) };
  }
}
