import { createHash } from "node:crypto";
import type { Redis } from "../queues/connection.js";
import { redisKeys } from "../queues/keys.js";

/** Same lifetime as the outcome's seen key: a receipt can be asked for as long as a retry is deduplicated. */
const receiptTtlSeconds = 30 * 86_400;

export type ReceiptState = "accepted" | "batched" | "retrying" | "written" | "dead-lettered";

/** A CRM record an outcome created or updated. */
export interface ReceiptRecord {
  /**
   * activity: the call itself; lead: field updates on the lead; consent: DoNotCall on the lead;
   * created-lead: the lead created for a caller no record matched (`inbound.policy: create-lead`);
   * appointment: the Event / meeting an outcome set, or a change rescheduled or cancelled.
   */
  role: "activity" | "lead" | "consent" | "created-lead" | "appointment";
  objectType: string;
  id: string;
  /** Where a person opens it; absent when the connector cannot tell (`urlUnknown` says why). */
  url?: string;
  urlUnknown?: string;
  /** The fields written, for lead updates. */
  fields?: string[];
}

/** What became of an outcome, as `GET /v1/outcomes/{outcomeId}` answers. */
export interface Receipt {
  outcomeId: string;
  state: ReceiptState;
  direction?: string;
  leadKey?: string;
  /** The campaign and disposition the outcome reported (outbound and inbound calls). */
  campaign?: string;
  disposition?: string;
  /** The name of the API key that posted the outcome (never its value): who may read this receipt. */
  postedBy?: string;
  acceptedAt?: string;
  updatedAt: string;
  /** Writeback attempts started. */
  attempts?: number;
  /** `retrying`: when the next attempt is due and what failed. */
  nextAttemptAt?: string;
  lastError?: string;
  /** `dead-lettered`: the CRM's reason. */
  reason?: string;
  records?: ReceiptRecord[];
}

/**
 * States by rank: a late copy of an earlier step (a batch report arriving after the write was
 * confirmed) never moves a receipt back. `retrying` and `batched` alternate; final states stay,
 * except that a replayed dead letter (rank 1 with `force`) is in flight again.
 */
const rank: Record<ReceiptState, number> = {
  accepted: 0,
  batched: 1,
  retrying: 1,
  written: 2,
  "dead-lettered": 2,
};

const updateScript = `
local current = redis.call('HGET', KEYS[1], 'rank')
if current and tonumber(current) > tonumber(ARGV[1]) and ARGV[2] ~= 'force' then return 0 end
if current and tonumber(ARGV[1]) == 0 then return 0 end
redis.call('HDEL', KEYS[1], 'nextAttemptAt', 'lastError')
for i = 4, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('HSET', KEYS[1], 'rank', ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1
`;

/** The first poster keeps the receipt: HSETNX and the TTL in one command (no MULTI per outcome). */
const postedByScript = `
redis.call('HSETNX', KEYS[1], 'postedBy', ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1
`;

/** Per key, 1 when its receipt is past `accepted` (a writeback worker took the outcome), else 0. */
const takenScript = `
local taken = {}
for i = 1, #KEYS do
  local r = redis.call('HGET', KEYS[i], 'rank')
  taken[i] = (r and tonumber(r) > 0) and 1 or 0
end
return taken
`;

export interface AcceptedDetails {
  direction: string;
  leadKey: string;
  at: Date;
  campaign?: string | undefined;
  disposition?: string | undefined;
}

function acceptedFields(details: AcceptedDetails): Record<string, string | undefined> {
  return {
    direction: details.direction,
    leadKey: details.leadKey,
    campaign: details.campaign,
    disposition: details.disposition,
    acceptedAt: details.at.toISOString(),
  };
}

interface ReceiptCommands {
  telesyncReceiptUpdate(key: string, ...args: string[]): Promise<number>;
  telesyncReceiptPostedBy(key: string, keyName: string, ttlSeconds: string): Promise<number>;
  telesyncReceiptsTaken(count: string, ...keys: string[]): Promise<number[]>;
}

/** Receipts of outcomes: one small Redis hash per outcomeId (`receipt:<hash>`, 30 days). */
export class OutcomeReceipts {
  private readonly redis: Redis & ReceiptCommands;

  constructor(
    redis: Redis,
    private readonly prefix: string,
  ) {
    // Loaded once per connection: EVALSHA on every outcome, not the script's text (EVAL).
    if (!("telesyncReceiptUpdate" in redis)) {
      redis.defineCommand("telesyncReceiptUpdate", { numberOfKeys: 1, lua: updateScript });
      redis.defineCommand("telesyncReceiptPostedBy", { numberOfKeys: 1, lua: postedByScript });
      redis.defineCommand("telesyncReceiptsTaken", { lua: takenScript });
    }
    this.redis = redis as Redis & ReceiptCommands;
  }

  private key(outcomeId: string): string {
    // Hashed like the seen key: outcomeIds are the client's (any characters, any length).
    return redisKeys(this.prefix).receipt(createHash("sha256").update(outcomeId).digest("hex").slice(0, 32));
  }

  /** A state's fields as HSET arguments, with the outcomeId, the state and when (unset ones left out). */
  private static values(
    outcomeId: string,
    state: ReceiptState,
    fields: Record<string, string | undefined>,
    at: Date,
  ): string[] {
    const values: string[] = [];
    const all = { ...fields, outcomeId, state, updatedAt: at.toISOString() };
    for (const [name, value] of Object.entries(all)) if (value !== undefined) values.push(name, value);
    return values;
  }

  private async update(
    outcomeId: string,
    state: ReceiptState,
    fields: Record<string, string | undefined>,
    options: { force?: boolean; at?: Date } = {},
  ): Promise<boolean> {
    const values = OutcomeReceipts.values(outcomeId, state, fields, options.at ?? new Date());
    const done = await this.redis.telesyncReceiptUpdate(
      this.key(outcomeId),
      String(rank[state]),
      options.force ? "force" : "",
      String(receiptTtlSeconds),
      ...values,
    );
    return done === 1;
  }

  /** Intake: the outcome is durably queued for the CRM (first write only). */
  accepted(outcomeId: string, details: AcceptedDetails): Promise<boolean> {
    return this.update(outcomeId, "accepted", acceptedFields(details), { at: details.at });
  }

  /**
   * The same `accepted` write for the outcome's acceptance script to make (`OutcomeLedger.accept`,
   * the receipt sharing the seen key's slot): its key and fields, `rank` 0 included.
   */
  acceptedWrite(outcomeId: string, details: AcceptedDetails): { key: string; fields: string[] } {
    const fields = OutcomeReceipts.values(outcomeId, "accepted", acceptedFields(details), details.at);
    fields.push("rank", String(rank.accepted));
    return { key: this.key(outcomeId), fields };
  }

  /**
   * Per outcome, whether a writeback worker has taken it (its receipt is past `accepted`): its job
   * was queued and taken, and may be gone (written and removed, dead-lettered). One script: every
   * receipt shares the outcomes slot.
   */
  async taken(outcomeIds: readonly string[]): Promise<boolean[]> {
    if (outcomeIds.length === 0) return [];
    const keys = outcomeIds.map((id) => this.key(id));
    const taken = await this.redis.telesyncReceiptsTaken(String(keys.length), ...keys);
    return taken.map((t) => t === 1);
  }

  /** The writeback worker put it into a CRM batch request. */
  batched(outcomeId: string, attempts: number, options: { replay?: boolean } = {}): Promise<boolean> {
    return this.update(
      outcomeId,
      "batched",
      { attempts: String(attempts) },
      { force: options.replay === true },
    );
  }

  retrying(outcomeId: string, nextAttemptAt: Date, lastError: string): Promise<boolean> {
    return this.update(outcomeId, "retrying", { nextAttemptAt: nextAttemptAt.toISOString(), lastError });
  }

  /** `leadKey`: the lead an inbound call's `create-lead` created, known only now. */
  written(outcomeId: string, records: ReceiptRecord[], leadKey?: string): Promise<boolean> {
    return this.update(outcomeId, "written", { records: JSON.stringify(records), reason: "", leadKey });
  }

  deadLettered(outcomeId: string, reason: string): Promise<boolean> {
    return this.update(outcomeId, "dead-lettered", { reason });
  }

  /**
   * Record the API key (its name) that posted the outcome, once: the first poster keeps it, so a
   * later copy of the same outcomeId from another key cannot take the receipt over. Called by the
   * route after the outcome was accepted (a dialer's retry of a request that crashed before this
   * records it then).
   */
  async postedBy(outcomeId: string, keyName: string): Promise<void> {
    await this.redis.telesyncReceiptPostedBy(this.key(outcomeId), keyName, String(receiptTtlSeconds));
  }

  /** Notify `hookId` when the outcome is final; returns the state now (the caller notifies if already final). */
  async watch(outcomeId: string, hookId: string): Promise<ReceiptState | undefined> {
    const key = this.key(outcomeId);
    const [, , state] = (await this.redis
      .multi()
      .hset(key, "notify", hookId)
      .expire(key, receiptTtlSeconds)
      .hget(key, "state")
      .exec()) as [unknown, unknown, [Error | null, string | null]];
    return (state[1] ?? undefined) as ReceiptState | undefined;
  }

  /** The hook to notify when the outcome is final, if any. */
  async watcher(outcomeId: string): Promise<string | undefined> {
    return (await this.redis.hget(this.key(outcomeId), "notify")) ?? undefined;
  }

  async read(outcomeId: string): Promise<Receipt | undefined> {
    const hash = await this.redis.hgetall(this.key(outcomeId));
    if (!hash.state || !hash.updatedAt) return undefined;
    const receipt: Receipt = {
      outcomeId: hash.outcomeId ?? outcomeId,
      state: hash.state as ReceiptState,
      updatedAt: hash.updatedAt,
    };
    if (hash.direction) receipt.direction = hash.direction;
    if (hash.leadKey) receipt.leadKey = hash.leadKey;
    if (hash.campaign) receipt.campaign = hash.campaign;
    if (hash.disposition) receipt.disposition = hash.disposition;
    if (hash.postedBy) receipt.postedBy = hash.postedBy;
    if (hash.acceptedAt) receipt.acceptedAt = hash.acceptedAt;
    if (hash.attempts) receipt.attempts = Number(hash.attempts);
    if (hash.nextAttemptAt) receipt.nextAttemptAt = hash.nextAttemptAt;
    if (hash.lastError) receipt.lastError = hash.lastError;
    if (hash.reason) receipt.reason = hash.reason;
    if (hash.records) receipt.records = JSON.parse(hash.records) as ReceiptRecord[];
    return receipt;
  }
}
