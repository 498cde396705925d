import type { ChainableCommander } from "ioredis";
import type { Redis } from "../queues/connection.js";
import type { RedisWrites } from "../queues/redis-writes.js";

/** A rolling frequency cap as the reservation script checks it. */
export interface CapLimit {
  windowMs: number;
  maxAttempts: number;
}

export type ReserveResult =
  | { reserved: true }
  /** Another lease holds the last free attempt: try again when its reservation ends (or is confirmed). */
  | { reserved: false; retryAt: Date };

/**
 * Count attempts plus live reservations in every cap window, for every number; reserve all or none.
 * KEYS: attempt set and reservation set of each number, alternating. ARGV: now, reservation member,
 * reservation end, cap count, then windowMs/maxAttempts pairs. Returns 0 (reserved) or the earliest
 * end of a blocking reservation (ms), or -1 when attempts alone fill a cap (the gate will say why).
 */
const reserveScript = `
local now = tonumber(ARGV[1])
local member = ARGV[2]
local ends = tonumber(ARGV[3])
local ncaps = tonumber(ARGV[4])
for k = 1, #KEYS, 2 do
  local attempts, holds = KEYS[k], KEYS[k + 1]
  redis.call('ZREMRANGEBYSCORE', holds, '-inf', now)
  redis.call('ZREM', holds, member)
  local live = redis.call('ZCARD', holds)
  for c = 0, ncaps - 1 do
    local window = tonumber(ARGV[5 + 2 * c])
    local max = tonumber(ARGV[6 + 2 * c])
    local made = redis.call('ZCOUNT', attempts, '(' .. (now - window), '+inf')
    if made >= max then return -1 end
    if made + live >= max then
      local first = redis.call('ZRANGE', holds, 0, 0, 'WITHSCORES')
      return tonumber(first[2])
    end
  end
end
-- Expiry as a duration: the scores are on telesync's clock, which need not be Redis's.
for k = 2, #KEYS, 2 do
  redis.call('ZADD', KEYS[k], ends, member)
  local keep = math.max(1, ends - now)
  if redis.call('PTTL', KEYS[k]) < keep then redis.call('PEXPIRE', KEYS[k], keep) end
end
return 0
`;

interface ReservationCommands {
  telesyncReserveAttempt(...args: (string | number)[]): Promise<number>;
}

/**
 * Frequency caps hold for leases in flight, not only for outcomes: a lease reserves an attempt on
 * each number of its lead atomically (one script: attempts + live reservations in each cap window,
 * refuse or reserve); the outcome confirms it (the attempt is recorded and the reservation dropped),
 * a release drops it, and an abandoned lease's reservation ends by itself at the lease's expiry.
 * Two concurrent leases of one capped number: the second waits.
 */
export class AttemptReservations {
  private readonly redis: Redis & ReservationCommands;

  constructor(
    redis: Redis,
    /** How a number appears in key names (the attempt log's own naming). */
    private readonly attemptsKey: (phone: string) => string,
  ) {
    if (!("telesyncReserveAttempt" in redis)) {
      redis.defineCommand("telesyncReserveAttempt", { lua: reserveScript });
    }
    this.redis = redis as Redis & ReservationCommands;
  }

  private holdsKey(phone: string): string {
    return `${this.attemptsKey(phone)}:reserved`;
  }

  /** Reserve one attempt on every number until `ends`, or say when to try again. */
  async reserve(
    phones: readonly string[],
    leaseToken: string,
    caps: readonly CapLimit[],
    now: Date,
    ends: Date,
  ): Promise<ReserveResult> {
    const numbers = [...new Set(phones)];
    if (numbers.length === 0 || caps.length === 0) return { reserved: true };
    const keys = numbers.flatMap((phone) => [this.attemptsKey(phone), this.holdsKey(phone)]);
    const result = await this.redis.telesyncReserveAttempt(
      keys.length,
      ...keys,
      now.getTime(),
      leaseToken,
      ends.getTime(),
      caps.length,
      ...caps.flatMap((cap) => [cap.windowMs, cap.maxAttempts]),
    );
    if (result === 0) return { reserved: true };
    // Attempts alone fill a cap: the gate's own decision (with its wait) will hold the lead.
    return { reserved: false, retryAt: new Date(result > 0 ? result : now.getTime()) };
  }

  /** Move the reservation's end (a lease extension). */
  extend(
    pipeline: ChainableCommander,
    phones: readonly string[],
    leaseToken: string,
    now: Date,
    ends: Date,
  ): void {
    for (const phone of new Set(phones)) {
      pipeline.zadd(this.holdsKey(phone), "XX", ends.getTime(), leaseToken);
      // GT: never shortens the set's life below another reservation's end.
      pipeline.pexpire(this.holdsKey(phone), Math.max(1, ends.getTime() - now.getTime()), "GT");
    }
  }

  /** Drop the reservation: the lease was released, or its outcome recorded the attempt itself. */
  drop(
    pipeline: Pick<ChainableCommander, "zrem"> | RedisWrites,
    phones: readonly string[],
    leaseToken: string,
  ): void {
    for (const phone of new Set(phones)) pipeline.zrem(this.holdsKey(phone), leaseToken);
  }
}
