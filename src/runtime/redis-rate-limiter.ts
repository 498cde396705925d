import { createHash, randomUUID } from "node:crypto";
import type { RateLimiter } from "../../connectors/types.js";
import { CrmError } from "../errors.js";
import type { Redis } from "../queues/connection.js";
import { redisKeys } from "../queues/keys.js";

/**
 * Sliding-window log in one atomic script, on Redis' own clock so workers on different hosts agree.
 * Returns {1, 0} when a slot was taken, {0, waitMs, paused} otherwise.
 */
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local max = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local pausedUntil = tonumber(redis.call('HGET', KEYS[2], 'until') or '0')
if pausedUntil > now then
  return {0, pausedUntil - now, 1}
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < max then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return {1, 0, 0}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {0, math.max(1, tonumber(oldest[2]) + window - now), 0}
`;

/**
 * A pause only ever extends: two workers reporting different waits keep the later one. The deadline
 * is Redis' TIME plus the wait (a duration), never a host's clock: a host hours off would otherwise
 * pause for hours (ahead) or not at all (behind).
 */
const PAUSE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local current = tonumber(redis.call('HGET', KEYS[1], 'until') or '0')
local untilMs = now + tonumber(ARGV[1])
if untilMs <= current then return 0 end
redis.call('HSET', KEYS[1], 'until', untilMs, 'reason', ARGV[2])
redis.call('PEXPIREAT', KEYS[1], untilMs)
return 1
`;

/**
 * What the vendor's rate-limit headers say, adopted into the shared window (on Redis' clock): when
 * the vendor counts more requests in its window than the log holds (other apps or hosts on the same
 * account), the log is topped up with placeholder entries, so the next acquires wait for them; the
 * vendor's limit and interval are kept for workers that have not seen a response yet.
 */
const OBSERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local used = tonumber(ARGV[2])
redis.call('HSET', KEYS[2], 'max', ARGV[3], 'windowMs', ARGV[4])
redis.call('PEXPIRE', KEYS[2], 86400000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local missing = used - redis.call('ZCARD', KEYS[1])
for i = 1, missing do
  redis.call('ZADD', KEYS[1], now, ARGV[5] .. ':' .. i)
end
if missing > 0 then redis.call('PEXPIRE', KEYS[1], window) end
return math.max(missing, 0)
`;

/** {remaining ms of the pause or 0, reason}: measured on Redis' clock. */
const PAUSE_LEFT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local untilMs = tonumber(redis.call('HGET', KEYS[1], 'until') or '0')
return {math.max(0, untilMs - now), redis.call('HGET', KEYS[1], 'reason') or ''}
`;

/** Slots taken in the last ARGV[1] ms, on Redis' clock (the window's scores are Redis times). */
const USED = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return redis.call('ZCOUNT', KEYS[1], now - tonumber(ARGV[1]), '+inf')
`;

const sha1 = (script: string) => createHash("sha1").update(script).digest("hex");

export interface RedisRateLimiterOptions {
  /**
   * Longest pause `acquire` sits out before giving up with a `rate-limited` {@link CrmError} (scope
   * `daily`), so a worker does not hang for hours after a daily limit; default 60 s.
   */
  maxPauseWaitMs?: number;
  /** Test seam. */
  sleep?: (ms: number) => Promise<void>;
  /**
   * This process's clock, used only to express a pause's end as a date for people
   * (`BucketPause.untilEpochMs`); every decision is taken on Redis' clock. Default: `Date.now`.
   */
  now?: () => number;
}

/** What `pausedUntil` reports, for stats and /healthz. */
export interface BucketPause {
  /** The end of the pause on this process's clock (Redis' remaining time added to it). */
  untilEpochMs: number;
  /** What is left of the pause (Redis' clock). */
  remainingMs: number;
  reason: string;
}

/**
 * A rate limiter shared by every worker through Redis: a sliding-window log per bucket (exact, at
 * most `max` slots per `windowMs`) plus pauses set when the vendor answered 429.
 * Keys: `rl:<bucket>`, `rl-pause:<bucket>`, `rl-learned:<bucket>`, one slot per bucket (`src/queues/keys.ts`).
 */
export class RedisRateLimiter implements RateLimiter {
  private readonly maxPauseWaitMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    options: RedisRateLimiterOptions = {},
  ) {
    this.maxPauseWaitMs = options.maxPauseWaitMs ?? 60_000;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
  }

  private windowKey(bucket: string): string {
    return redisKeys(this.prefix).rateLimit("rl", bucket);
  }

  private pauseKey(bucket: string): string {
    return redisKeys(this.prefix).rateLimit("rl-pause", bucket);
  }

  async acquire(bucket: string, max: number, windowMs: number): Promise<number> {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`max must be a positive integer, got ${max}`);
    let waited = 0;
    for (;;) {
      const [granted = 0, waitMs = 1, paused = 0] = await this.run(
        ACQUIRE,
        [this.windowKey(bucket), this.pauseKey(bucket)],
        [String(max), String(Math.ceil(windowMs)), randomUUID()],
      );
      if (granted === 1) return waited;
      if (paused === 1 && waitMs > this.maxPauseWaitMs) {
        const pause = await this.pausedUntil(bucket);
        throw new CrmError({
          kind: "rate-limited",
          reason: `${bucket} paused${pause ? `: ${pause.reason}` : ""}`,
          waitMs,
          scope: "daily",
        });
      }
      // Jitter spreads the workers that all wake when the oldest slot expires.
      const sleepMs = waitMs + Math.floor(Math.random() * 15);
      await this.sleep(sleepMs);
      waited += sleepMs;
    }
  }

  async pause(bucket: string, waitMs: number, reason: string): Promise<void> {
    if (waitMs <= 0) return;
    await this.run(PAUSE, [this.pauseKey(bucket)], [String(Math.ceil(waitMs)), reason]);
  }

  /** The pause in force on `bucket`, if any. */
  async pausedUntil(bucket: string): Promise<BucketPause | undefined> {
    const [remaining, reason] = (await this.runRaw(PAUSE_LEFT, [this.pauseKey(bucket)], [])) as [
      number,
      string,
    ];
    const remainingMs = Number(remaining);
    if (!(remainingMs > 0)) return undefined;
    return { untilEpochMs: this.now() + remainingMs, remainingMs, reason: String(reason) };
  }

  /**
   * Adopt the vendor's view of a bucket from a response's rate-limit headers: `used` requests in its
   * window of `vendorWindowMs` with a limit of `max`. Returns how many placeholder slots were added.
   */
  async observe(
    bucket: string,
    report: { used: number; max: number; vendorWindowMs: number; windowMs: number },
  ): Promise<number> {
    const [added = 0] = await this.run(
      OBSERVE,
      [this.windowKey(bucket), this.learnedKey(bucket)],
      [
        String(Math.ceil(report.windowMs)),
        String(Math.max(0, Math.floor(report.used))),
        String(report.max),
        String(report.vendorWindowMs),
        randomUUID(),
      ],
    );
    return added;
  }

  /** The limit and interval the vendor last reported for `bucket` (see `observe`), if any. */
  async learned(bucket: string): Promise<{ max: number; windowMs: number } | undefined> {
    const learned = await this.redis.hgetall(this.learnedKey(bucket));
    const max = Number(learned.max);
    const windowMs = Number(learned.windowMs);
    if (!Number.isInteger(max) || max < 1 || !Number.isFinite(windowMs) || windowMs <= 0) return undefined;
    return { max, windowMs };
  }

  private learnedKey(bucket: string): string {
    return redisKeys(this.prefix).rateLimit("rl-learned", bucket);
  }

  /** Requests counted in the current window (for stats). */
  async used(bucket: string, windowMs: number): Promise<number> {
    const [count = 0] = await this.run(USED, [this.windowKey(bucket)], [String(Math.ceil(windowMs))]);
    return count;
  }

  private async run(script: string, keys: string[], args: string[]): Promise<number[]> {
    const result = await this.runRaw(script, keys, args);
    return Array.isArray(result) ? result.map(Number) : [Number(result)];
  }

  private async runRaw(script: string, keys: string[], args: string[]): Promise<unknown> {
    let result: unknown;
    try {
      result = await this.redis.evalsha(sha1(script), keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.includes("NOSCRIPT")) throw error;
      result = await this.redis.eval(script, keys.length, ...keys, ...args);
    }
    return result;
  }
}
