import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { RedisRateLimiter } from "../../src/runtime/redis-rate-limiter.js";
import { CircuitBreaker } from "../../src/writeback/circuit-breaker.js";
import { dropPrefix, redisUrl, uniquePrefix } from "../support/redis.js";

/**
 * Deadlines shared through Redis must not depend on the host's clock (issue 10: a host 39 h ahead of
 * Redis turned one 429 into a 39 h pause). Each case moves this process's clock (`Date`, faked and
 * still ticking; timers stay real) minutes and days off Redis, both ways; the pause asked is 400 ms.
 */
const minute = 60_000;
const day = 24 * 60 * minute;
const skews = [
  { name: "39 h ahead", offsetMs: 39 * 60 * minute },
  { name: "3 days behind", offsetMs: -3 * day },
  { name: "7 minutes ahead", offsetMs: 7 * minute },
  { name: "7 minutes behind", offsetMs: -7 * minute },
];
const pauseMs = 400;

let prefix: string;
let redis: Redis;
beforeEach(() => {
  prefix = uniquePrefix();
  redis = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });
});
afterEach(async () => {
  redis.disconnect();
  await dropPrefix(prefix);
});

describe.each(skews)("with the host clock $name of Redis", ({ offsetMs }) => {
  const skewedNow = () => Date.now();
  beforeEach(() => {
    const real = Date.now();
    vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
    vi.setSystemTime(real + offsetMs);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("a rate-limit pause lasts what was asked: honoured, never longer", async () => {
    const sleeps: number[] = [];
    const limiter = new RedisRateLimiter(redis, prefix, {
      // A long pause would throw after this; a 400 ms pause must simply be waited out.
      maxPauseWaitMs: 10_000,
      sleep: (ms) => {
        sleeps.push(ms);
        return new Promise((resolve) => setTimeout(resolve, ms));
      },
    });
    await limiter.pause("writes", pauseMs, "429");
    const pause = await limiter.pausedUntil("writes");
    expect(pause?.remainingMs).toBeGreaterThan(0);
    expect(pause?.remainingMs).toBeLessThanOrEqual(pauseMs);
    // Shown to people on the host's own clock: within the pause from its "now".
    expect(pause?.untilEpochMs).toBeGreaterThan(skewedNow() - 1);
    expect(pause?.untilEpochMs).toBeLessThanOrEqual(skewedNow() + pauseMs);

    await limiter.acquire("writes", 10, 1_000);
    // Honoured (the first attempt had to wait) and never longer than asked (+15 ms jitter per sleep).
    expect(sleeps.length).toBeGreaterThan(0);
    expect(sleeps[0]).toBeLessThanOrEqual(pauseMs + 15);
    expect(await limiter.pausedUntil("writes")).toBeUndefined();
  });

  it("a window counts on Redis' clock", async () => {
    const limiter = new RedisRateLimiter(redis, prefix);
    for (let i = 0; i < 3; i++) await limiter.acquire("reads", 10, 60_000);
    expect(await limiter.used("reads", 60_000)).toBe(3);
  });
});

describe("the CRM circuit breaker", () => {
  it("opens for openMs measured on Redis' clock, whatever the host's", async () => {
    const breaker = new CircuitBreaker(redis, prefix, "sf", { failureThreshold: 2, openMs: 60_000 });
    await breaker.failure("500");
    const opened = await breaker.failure("500");
    expect(opened).toMatchObject({ state: "open", changedFrom: "closed" });
    const status = await breaker.status();
    expect(status.retryInMs).toBeGreaterThan(0);
    expect(status.retryInMs).toBeLessThanOrEqual(60_000);
  });
});
