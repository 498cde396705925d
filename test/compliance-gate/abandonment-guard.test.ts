import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AbandonmentCounter } from "../../src/compliance-gate/abandonment-counter.js";
import { AbandonmentGuard } from "../../src/compliance-gate/abandonment-guard.js";
import { dropPrefix, redisUrl, uniquePrefix } from "../support/redis.js";

describe("AbandonmentGuard: the lease path's abandonment status, cached a second on telesync's clock", () => {
  const prefix = uniquePrefix();
  let redis: Redis;
  let clock = Date.parse("2026-11-30T15:00:00.000Z");
  let guard: AbandonmentGuard;
  /** Another process counting outcomes: this guard's cache does not hear of them. */
  let elsewhere: AbandonmentCounter;

  beforeAll(() => {
    redis = new Redis(redisUrl());
    const counter = new AbandonmentCounter(redis, prefix);
    elsewhere = new AbandonmentCounter(redis, prefix);
    // 47 CFR 64.1200(a)(7) allows 3%; telesync's default threshold is 2.5%.
    guard = new AbandonmentGuard({ counter, threshold: () => 0.025, now: () => new Date(clock) });
  });
  afterAll(async () => {
    redis.disconnect();
    await dropPrefix(prefix);
  });

  async function countElsewhere(disposition: string): Promise<void> {
    const pipeline = redis.pipeline();
    elsewhere.record(pipeline, "q4", disposition, new Date(clock));
    await pipeline.exec();
  }

  it("re-reads after a second of telesync's clock, not before", async () => {
    expect(await guard.previewOnly("q4")).toBe(false);
    // 1 abandoned of 1 live answer: 100%, far over 2.5%.
    await countElsewhere("abandoned");
    clock += 999;
    expect(await guard.previewOnly("q4")).toBe(false);
    clock += 1;
    expect(await guard.previewOnly("q4")).toBe(true);
  });

  it("keeps its status through outcomes it counted itself until a second has passed, and re-reads when the clock moved backwards", async () => {
    // 39 more live answers: 1 of 40 is exactly 2.5%, still at the threshold.
    const pipeline = redis.pipeline();
    for (let i = 0; i < 39; i++) guard.record(pipeline, "q4", "connected", new Date(clock));
    await pipeline.exec();
    clock += 1_000;
    expect(await guard.previewOnly("q4")).toBe(true);
    const one = redis.pipeline();
    guard.record(one, "q4", "connected", new Date(clock));
    await one.exec();
    // 1 of 41 is 2.44%, under the threshold: not seen within the second (an outcome does not drop
    // the cache, so outcomes at lease rate do not make every lease re-read 30 counters) ...
    clock += 999;
    expect(await guard.previewOnly("q4")).toBe(true);
    // ... seen once the second has passed.
    clock += 1;
    expect(await guard.previewOnly("q4")).toBe(false);

    await countElsewhere("abandoned");
    clock -= 60_000;
    // 2 of 42 (4.8%): a clock set back does not keep a status read "in the future".
    expect(await guard.previewOnly("q4")).toBe(true);
  });

  it("leases finding the status stale at once share one read (not one 30-counter read each)", async () => {
    const counter = new AbandonmentCounter(redis, prefix);
    let reads = 0;
    const counting = {
      record: counter.record.bind(counter),
      status: (...args: Parameters<AbandonmentCounter["status"]>) => {
        reads++;
        return counter.status(...args);
      },
    };
    const fresh = new AbandonmentGuard({
      counter: counting,
      threshold: () => 0.025,
      now: () => new Date(clock),
    });
    const answers = await Promise.all(Array.from({ length: 50 }, () => fresh.previewOnly("q4")));
    expect(new Set(answers)).toEqual(new Set([true]));
    expect(reads).toBe(1);
    // Stale again a second later: one more read for the next burst.
    clock += 1_000;
    await Promise.all(Array.from({ length: 50 }, () => fresh.previewOnly("q4")));
    expect(reads).toBe(2);
  });
});
