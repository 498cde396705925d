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
 * A Lua function, so the gate's reads can reserve in the same script (`reserveLua` + a call).
 * keys: attempt set and reservation set of each number, alternating, at keys[first..last];
 * argv[at..]: now, reservation member, reservation end, cap count, then windowMs/maxAttempts pairs.
 * Returns 0 (reserved) or the earliest end of a blocking reservation (ms), or -1 when attempts alone
 * fill a cap (the gate will say why).
 */
export const reserveLua = `
local function reserve(keys, first, last, argv, at)
  local now = tonumber(argv[at])
  local member = argv[at + 1]
  local ends = tonumber(argv[at + 2])
  local ncaps = tonumber(argv[at + 3])
  for k = first, last, 2 do
    local attempts, holds = keys[k], keys[k + 1]
    redis.call('ZREMRANGEBYSCORE', holds, '-inf', now)
    redis.call('ZREM', holds, member)
    local live = redis.call('ZCARD', holds)
    for c = 0, ncaps - 1 do
      local window = tonumber(argv[at + 4 + 2 * c])
      local max = tonumber(argv[at + 5 + 2 * c])
      local made = redis.call('ZCOUNT', attempts, '(' .. (now - window), '+inf')
      if made >= max then return -1 end
      if made + live >= max then
        local held = redis.call('ZRANGE', holds, 0, 0, 'WITHSCORES')
        return tonumber(held[2])
      end
    end
  end
  -- Expiry as a duration: the scores are on telesync's clock, which need not be Redis's.
  for k = first + 1, last, 2 do
    redis.call('ZADD', keys[k], ends, member)
    local keep = math.max(1, ends - now)
    if redis.call('PTTL', keys[k]) < keep then redis.call('PEXPIRE', keys[k], keep) end
  end
  return 0
end
`;

/** KEYS: the number's attempt and reservation sets, alternating; ARGV: `reserve`'s. */
const reserveScript = `${reserveLua}
return reserve(KEYS, 1, #KEYS, ARGV, 1)
`;

/** One reservation as script arguments: its keys, and its ARGV (see `reserveLua`). */
export interface ReserveCall {
  keys: string[];
  args: Array<string | number>;
}

/** What `reserve` (the Lua function) returned, as the lease takes it. */
export function reserveResult(result: number, now: Date): ReserveResult {
  if (result === 0) return { reserved: true };
  // Attempts alone fill a cap: the gate's own decision (with its wait) will hold the lead.
  return { reserved: false, retryAt: new Date(result > 0 ? result : now.getTime()) };
}

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
    return this.run(this.call(phones, leaseToken, caps, now, ends), now);
  }

  /** Run a reservation made by `call` on its own (one script call). */
  async run(call: ReserveCall | undefined, now: Date): Promise<ReserveResult> {
    if (!call) return { reserved: true };
    return reserveResult(
      await this.redis.telesyncReserveAttempt(call.keys.length, ...call.keys, ...call.args),
      now,
    );
  }

  /** The reservation as a script's keys and arguments; undefined when there is nothing to reserve. */
  call(
    phones: readonly string[],
    leaseToken: string,
    caps: readonly CapLimit[],
    now: Date,
    ends: Date,
  ): ReserveCall | undefined {
    const numbers = phones.length === 1 ? phones : [...new Set(phones)];
    if (numbers.length === 0 || caps.length === 0) return undefined;
    const keys: string[] = [];
    for (const phone of numbers) keys.push(this.attemptsKey(phone), this.holdsKey(phone));
    const args: Array<string | number> = [now.getTime(), leaseToken, ends.getTime(), caps.length];
    for (const cap of caps) args.push(cap.windowMs, cap.maxAttempts);
    return { keys, args };
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
