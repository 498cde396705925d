import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CrmError } from "../../src/errors.js";
import { RedisRateLimiter } from "../../src/runtime/redis-rate-limiter.js";
import { dropPrefix, redisUrl, uniquePrefix } from "../support/redis.js";

let prefix: string;
let clients: Redis[];

function limiter(options?: ConstructorParameters<typeof RedisRateLimiter>[2]): RedisRateLimiter {
  const redis = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });
  clients.push(redis);
  return new RedisRateLimiter(redis, prefix, options);
}

/** Most grants inside any window of `windowMs`. */
function maxInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while ((sorted[i] ?? 0) - (sorted[j] ?? 0) >= windowMs) j++;
    max = Math.max(max, i - j + 1);
  }
  return max;
}

beforeEach(() => {
  prefix = uniquePrefix();
  clients = [];
});
afterEach(async () => {
  for (const c of clients) c.disconnect();
  await dropPrefix(prefix);
});

describe("RedisRateLimiter", () => {
  it("grants `max` at once, then makes the next caller wait for the window", async () => {
    const rl = limiter();
    for (let i = 0; i < 5; i++) expect(await rl.acquire("b", 5, 400)).toBe(0);
    const started = Date.now();
    const waited = await rl.acquire("b", 5, 400);
    expect(waited).toBeGreaterThan(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
  });

  it("is shared: two Redis clients together stay under the limit", async () => {
    const a = limiter();
    const b = limiter();
    const grants: number[] = [];
    const take = async (rl: RedisRateLimiter) => {
      await rl.acquire("shared", 10, 500);
      grants.push(Date.now());
    };
    const started = Date.now();
    await Promise.all(Array.from({ length: 30 }, (_, i) => take(i % 2 === 0 ? a : b)));
    expect(grants).toHaveLength(30);
    // 30 grants at 10 per 500 ms: at least two full windows.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    // Grant times are client-side; allow a few ms of scheduling slack at the edges.
    expect(maxInWindow(grants, 480)).toBeLessThanOrEqual(10);
  });

  it("buckets are independent", async () => {
    const rl = limiter();
    await rl.acquire("x", 1, 10_000);
    expect(await rl.acquire("y", 1, 10_000)).toBe(0);
  });

  it("a pause blocks acquire until it ends and is visible to stats", async () => {
    const rl = limiter();
    await rl.pause("p", 300, "429 TEN_SECONDLY_ROLLING");
    const pause = await rl.pausedUntil("p");
    expect(pause?.reason).toBe("429 TEN_SECONDLY_ROLLING");
    const started = Date.now();
    await rl.acquire("p", 100, 1_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(await rl.pausedUntil("p")).toBeUndefined();
  });

  it("a pause only extends", async () => {
    const rl = limiter();
    await rl.pause("p", 60_000, "daily");
    await rl.pause("p", 1_000, "burst");
    const pause = await rl.pausedUntil("p");
    expect(pause?.reason).toBe("daily");
    // The longer pause is the one in force: far more than the 1 s one, at most the 60 s asked.
    expect(pause?.remainingMs).toBeGreaterThan(1_000);
    expect(pause?.remainingMs).toBeLessThanOrEqual(60_000);
  });

  it("a long pause fails fast with a rate-limited CrmError instead of hanging the worker", async () => {
    const rl = limiter({ maxPauseWaitMs: 1_000 });
    await rl.pause("d", 3_600_000, "429 DAILY");
    const error = await rl.acquire("d", 10, 1_000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CrmError);
    expect((error as CrmError).classification).toMatchObject({ kind: "rate-limited", scope: "daily" });
  });

  it("survives a script flush (NOSCRIPT)", async () => {
    const rl = limiter();
    await rl.acquire("s", 5, 1_000);
    await clients[0]?.script("FLUSH");
    expect(await rl.acquire("s", 5, 1_000)).toBe(0);
  });
});
