import type { Redis } from "../queues/connection.js";
import { redisKeys } from "../queues/keys.js";

export type BreakerState = "closed" | "open" | "half-open";

export interface BreakerOptions {
  /** Consecutive retryable failures (5xx, timeouts) of whole CRM calls that open the breaker. */
  failureThreshold?: number;
  /** How long an open breaker pauses writeback before one probe is let through. */
  openMs?: number;
  /** A probe that has not reported by then is presumed lost (its worker died): another may probe. */
  probeTimeoutMs?: number;
}

/** What a caller may do now, and whether its call changed the state (then it logs the change). */
export interface BreakerVerdict {
  allowed: boolean;
  /** When not allowed: how long to wait before asking again. */
  waitMs: number;
  state: BreakerState;
  /** The state before, when this call moved the breaker (exactly one caller sees each change). */
  changedFrom?: BreakerState;
}

/** The breaker as `/healthz` and `/metrics` show it. */
export interface BreakerStatus {
  state: BreakerState;
  consecutiveFailures: number;
  /** How many times it opened since the key was created. */
  opens: number;
  /** Open: ms until a probe is let through. */
  retryInMs: number;
  reason: string;
}

/**
 * One script for every transition, on Redis' clock (TIME) so hosts with skewed clocks agree.
 * ARGV: op (permit | failure | success), threshold, openMs, probeTimeoutMs, reason.
 * Returns {allowed, waitMs, state, previousState or ""}.
 */
const TRANSITION = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local op = ARGV[1]
local threshold = tonumber(ARGV[2])
local openMs = tonumber(ARGV[3])
local probeMs = tonumber(ARGV[4])
local state = redis.call('HGET', KEYS[1], 'state') or 'closed'
local untilMs = tonumber(redis.call('HGET', KEYS[1], 'until') or '0')
local function open()
  redis.call('HSET', KEYS[1], 'state', 'open', 'until', now + openMs, 'reason', ARGV[5], 'failures', 0)
  redis.call('HINCRBY', KEYS[1], 'opens', 1)
  return {0, openMs, 'open', state}
end
if op == 'permit' then
  if state == 'closed' then return {1, 0, 'closed', ''} end
  -- While a probe is out, ask again soon (it may close the breaker any moment), not at its deadline.
  if state == 'half-open' and now < untilMs then return {0, math.min(untilMs - now, openMs), state, ''} end
  if now < untilMs then return {0, untilMs - now, state, ''} end
  -- Open past its time, or a half-open probe that never reported: this caller probes.
  redis.call('HSET', KEYS[1], 'state', 'half-open', 'until', now + probeMs)
  if state == 'half-open' then return {1, 0, 'half-open', ''} end
  return {1, 0, 'half-open', state}
end
if op == 'failure' then
  if state == 'half-open' then return open() end
  if state == 'open' then return {0, math.max(0, untilMs - now), 'open', ''} end
  local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
  if failures >= threshold then return open() end
  return {1, 0, 'closed', ''}
end
-- success
if state == 'half-open' then
  redis.call('HSET', KEYS[1], 'state', 'closed', 'failures', 0, 'until', 0, 'reason', '')
  return {1, 0, 'closed', 'half-open'}
end
if state == 'closed' then redis.call('HSET', KEYS[1], 'failures', 0) end
return {1, 0, state, ''}
`;

/**
 * A circuit breaker per integration, shared by every writeback worker through Redis: after
 * `failureThreshold` retryable failures in a row it opens (writeback pauses), after `openMs` one
 * probe call goes through (half-open), and the probe's success closes it (its failure reopens it).
 * Key: `<prefix>:breaker:<integration>`.
 */
export class CircuitBreaker {
  private readonly key: string;
  private readonly threshold: number;
  private readonly openMs: number;
  private readonly probeTimeoutMs: number;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    readonly integrationId: string,
    options: BreakerOptions = {},
  ) {
    this.key = redisKeys(prefix).breaker(integrationId);
    this.threshold = options.failureThreshold ?? 5;
    this.openMs = options.openMs ?? 30_000;
    this.probeTimeoutMs = options.probeTimeoutMs ?? 60_000;
  }

  /** May a CRM call go now? In half-open, exactly one caller (the probe) is allowed. */
  permit(): Promise<BreakerVerdict> {
    return this.transition("permit", "");
  }

  /** A CRM call failed in a way worth retrying (5xx, timeout, connection reset). */
  failure(reason: string): Promise<BreakerVerdict> {
    return this.transition("failure", reason);
  }

  /** A CRM call answered. */
  success(): Promise<BreakerVerdict> {
    return this.transition("success", "");
  }

  async status(): Promise<BreakerStatus> {
    const [fields, time] = await Promise.all([this.redis.hgetall(this.key), this.redis.time()]);
    const now = Number(time[0]) * 1000 + Math.floor(Number(time[1]) / 1000);
    const state = (fields.state ?? "closed") as BreakerState;
    return {
      state,
      consecutiveFailures: Number(fields.failures ?? 0),
      opens: Number(fields.opens ?? 0),
      retryInMs: state === "open" ? Math.max(0, Number(fields.until ?? 0) - now) : 0,
      reason: fields.reason ?? "",
    };
  }

  private async transition(op: string, reason: string): Promise<BreakerVerdict> {
    const [allowed, waitMs, state, from] = (await this.redis.eval(
      TRANSITION,
      1,
      this.key,
      op,
      String(this.threshold),
      String(this.openMs),
      String(this.probeTimeoutMs),
      reason.slice(0, 300),
    )) as [number, number, BreakerState, BreakerState | ""];
    return {
      allowed: allowed === 1,
      waitMs: Number(waitMs),
      state,
      ...(from ? { changedFrom: from } : {}),
    };
  }
}

/** Thrown instead of calling a CRM whose breaker is open; the job waits without using an attempt. */
export class BreakerOpenError extends Error {
  override readonly name = "BreakerOpenError";
  constructor(
    readonly integrationId: string,
    readonly waitMs: number,
  ) {
    super(`CRM circuit breaker of ${integrationId} is open: writeback paused for ${waitMs} ms`);
  }
}
