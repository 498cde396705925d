import { performance } from "node:perf_hooks";

export type RatePolicy = "TEN_SECONDLY_ROLLING" | "SECONDLY" | "DAILY";

/** Requests admitted in the last `windowMs` (wall-clock, monotonic). */
class SlidingWindow {
  private readonly times: number[] = [];
  /** Most requests ever seen inside one window: what tests assert stays under the limit. */
  maxObserved = 0;

  constructor(
    public limit: number,
    readonly windowMs: number,
  ) {}

  private expire(now: number): void {
    while (this.times.length > 0 && (this.times[0] ?? 0) <= now - this.windowMs) this.times.shift();
  }

  remaining(now: number): number {
    this.expire(now);
    return Math.max(0, this.limit - this.times.length);
  }

  /** ms until a slot frees up. */
  waitMs(now: number): number {
    this.expire(now);
    return this.times.length < this.limit ? 0 : Math.max(1, (this.times[0] ?? now) + this.windowMs - now);
  }

  record(now: number): void {
    this.times.push(now);
    this.maxObserved = Math.max(this.maxObserved, this.times.length);
  }
}

export interface RateLimitOptions {
  /** Requests per burst window (HubSpot Free/Starter: 100 per 10 s). */
  burstLimit: number;
  burstWindowMs: number;
  /** Search requests per second (HubSpot: 5). */
  searchPerSecond: number;
  dailyLimit: number;
}

export type Admission = { ok: true } | { ok: false; policy: RatePolicy; retryAfterMs: number };

/**
 * HubSpot's limits as the sandbox enforces them: a rolling burst window for every request, a
 * secondly window for search, a daily count that resets at midnight UTC of the sandbox clock.
 * Rejected requests do not count. https://developers.hubspot.com/docs/guides/apps/api-usage/usage-details
 */
export class SandboxRateLimits {
  private readonly burst: SlidingWindow;
  private readonly secondly: SlidingWindow;
  private dailyLimit: number;
  private day = "";
  private dailyCount = 0;

  constructor(options: RateLimitOptions) {
    this.burst = new SlidingWindow(options.burstLimit, options.burstWindowMs);
    this.secondly = new SlidingWindow(options.searchPerSecond, 1_000);
    this.dailyLimit = options.dailyLimit;
  }

  configure(options: Partial<RateLimitOptions>): void {
    if (options.burstLimit !== undefined) this.burst.limit = options.burstLimit;
    if (options.searchPerSecond !== undefined) this.secondly.limit = options.searchPerSecond;
    if (options.dailyLimit !== undefined) this.dailyLimit = options.dailyLimit;
  }

  admit(search: boolean, sandboxNow: number): Admission {
    const now = performance.now();
    const day = new Date(sandboxNow).toISOString().slice(0, 10);
    if (day !== this.day) {
      this.day = day;
      this.dailyCount = 0;
    }
    if (this.dailyCount >= this.dailyLimit) {
      const midnight = Date.parse(`${day}T00:00:00.000Z`) + 86_400_000;
      return { ok: false, policy: "DAILY", retryAfterMs: midnight - sandboxNow };
    }
    const burstWait = this.burst.waitMs(now);
    if (burstWait > 0) return { ok: false, policy: "TEN_SECONDLY_ROLLING", retryAfterMs: burstWait };
    if (search) {
      const secondlyWait = this.secondly.waitMs(now);
      if (secondlyWait > 0) return { ok: false, policy: "SECONDLY", retryAfterMs: secondlyWait };
      this.secondly.record(now);
    }
    this.burst.record(now);
    this.dailyCount++;
    return { ok: true };
  }

  /** `X-HubSpot-RateLimit-*` headers. */
  headers(): Record<string, string> {
    const now = performance.now();
    return {
      "x-hubspot-ratelimit-max": String(this.burst.limit),
      "x-hubspot-ratelimit-remaining": String(this.burst.remaining(now)),
      "x-hubspot-ratelimit-interval-milliseconds": String(this.burst.windowMs),
      "x-hubspot-ratelimit-daily": String(this.dailyLimit),
      "x-hubspot-ratelimit-daily-remaining": String(Math.max(0, this.dailyLimit - this.dailyCount)),
    };
  }

  observed(): { burstMax: number; searchPerSecondMax: number; daily: number } {
    return {
      burstMax: this.burst.maxObserved,
      searchPerSecondMax: this.secondly.maxObserved,
      daily: this.dailyCount,
    };
  }
}
