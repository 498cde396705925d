import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DispositionStats } from "../../src/outcomes/disposition-stats.js";
import { dropPrefix, redisUrl, uniquePrefix } from "../support/redis.js";

describe("outcomes per UTC hour and day (the admin page's over-time series)", () => {
  let redis: Redis;
  const prefix = uniquePrefix();
  beforeAll(() => {
    redis = new Redis(redisUrl());
  });
  afterAll(async () => {
    await dropPrefix(prefix);
    redis.disconnect();
  });

  it("buckets by the outcome's instant on telesync's clock, empty buckets included, oldest first", async () => {
    const stats = new DispositionStats(redis, prefix);
    const record = async (disposition: string, iso: string) => {
      const pipeline = redis.pipeline();
      stats.record(pipeline, "q4", disposition, new Date(iso));
      await pipeline.exec();
    };
    await record("connected", "2026-12-01T20:59:59.999Z");
    await record("no_answer", "2026-12-01T21:00:00.000Z");
    await record("connected", "2026-12-01T21:30:00.000Z");
    await record("busy", "2026-12-02T00:00:00.000Z");

    expect(await stats.series("q4", "hour", new Date("2026-12-01T21:45:00Z"), 3)).toEqual([
      { start: "2026-12-01T19:00:00.000Z", counts: {} },
      { start: "2026-12-01T20:00:00.000Z", counts: { connected: 1 } },
      { start: "2026-12-01T21:00:00.000Z", counts: { no_answer: 1, connected: 1 } },
    ]);
    expect(await stats.series("q4", "day", new Date("2026-12-02T08:00:00Z"), 2)).toEqual([
      { start: "2026-12-01T00:00:00.000Z", counts: { connected: 2, no_answer: 1 } },
      { start: "2026-12-02T00:00:00.000Z", counts: { busy: 1 } },
    ]);
    // The all-time counter is unchanged in meaning.
    expect(await stats.counts("q4")).toEqual({ connected: 2, no_answer: 1, busy: 1 });
    // Hours are kept 15 days, days 400 days.
    const ttl = await redis.pttl(`${prefix}:stats:q4:outcomes:hour:${Date.parse("2026-12-01T21:00:00Z")}`);
    expect(ttl).toBeGreaterThan(14 * 86_400_000);
    expect(ttl).toBeLessThanOrEqual(15 * 86_400_000);
  });
});
