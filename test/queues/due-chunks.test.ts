import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Lead } from "../../src/model/lead.js";
import { DialQueue } from "../../src/queues/dial-queue.js";
import { redisKeys } from "../../src/queues/keys.js";
import { securityKeysFromEnv } from "../../src/security/security-keys.js";
import { salesforceLead } from "../support/leads.js";
import { dropPrefix, redisUrl, uniquePrefix } from "../support/redis.js";

const HOUR = 3_600_000;
const burst = 10_000;
const chunk = 100;

function lead(n: number): Lead {
  return salesforceLead(`00Q${String(n).padStart(15, "0")}`, `+1212${String(n).padStart(7, "0")}`);
}

/**
 * 10,000 held leads falling due at once are moved to the wait list in bounded chunks: each call at
 * most `chunk` jobs, each lead exactly once though two processes release at the same time, earliest
 * due first. Both key layouts: one slot (the prefix's own hash tag) and a tag per campaign.
 */
describe.each([
  ["single slot", uniquePrefix()],
  ["tagged", `t-${uniquePrefix().slice(3, -1)}`],
])("a 10k due burst released in chunks (%s)", (_layout, prefix) => {
  const phoneKeys = securityKeysFromEnv({}).phones;
  let a: Redis;
  let b: Redis;
  let one: DialQueue;
  let two: DialQueue;
  // telesync's clock, driven: 10 days ahead of real time, as a simulation's would be.
  const clock = Date.now() + 10 * 24 * HOUR;
  beforeAll(() => {
    a = new Redis(redisUrl());
    b = new Redis(redisUrl());
    // Two processes' queues: each its own connection.
    one = new DialQueue("q4", a, prefix, phoneKeys, () => new Date(clock));
    two = new DialQueue("q4", b, prefix, phoneKeys, () => new Date(clock));
  });
  const redis = () => a;
  afterAll(async () => {
    await Promise.all([one.close(), two.close()]);
    a.disconnect();
    b.disconnect();
    await dropPrefix(prefix);
  });

  it("each call moves at most the chunk, every lead once, 1 h holds before 2 h holds before …", {
    timeout: 120_000,
  }, async () => {
    // Lead i held for 1 + (i mod 4) hours: the sync's chunks of 1,000 give 10 × 4 range entries.
    const items = Array.from({ length: burst }, (_v, i) => ({
      lead: lead(i),
      sourceId: "leads",
      delay: (1 + (i % 4)) * HOUR,
      isNew: true,
    }));
    for (let i = 0; i < burst; i += 2_000) await one.upsert(items.slice(i, i + 2_000), 1_000);
    expect(await redis().zcard(redisKeys(prefix).dueIndex("q4"))).toBe(40);
    expect(await one.queue.getDelayedCount()).toBe(burst);

    const at = clock + 4 * HOUR;
    const calls: Array<{ due: number; released: number }> = [];
    const run = async (queue: DialQueue) => {
      for (;;) {
        const call = await queue.releaseDue(chunk, at);
        calls.push(call);
        if (call.due < chunk) return;
      }
    };
    await Promise.all([run(one), run(two)]);

    expect(calls.every((call) => call.released <= chunk)).toBe(true);
    expect(calls.reduce((sum, call) => sum + call.released, 0)).toBe(burst);
    // At least 10,000 / 100 calls moved jobs: no call took more than its chunk.
    expect(calls.filter((call) => call.released > 0).length).toBeGreaterThanOrEqual(burst / chunk);
    expect(await redis().zcard(redisKeys(prefix).dueIndex("q4"))).toBe(0);
    expect(await one.queue.getDelayedCount()).toBe(0);

    // Leases pop the wait list from its right end: reversed, it is the order leads are leased in.
    const leaseOrder = (await redis().lrange(one.queue.toKey("wait"), 0, -1)).reverse();
    expect(leaseOrder).toHaveLength(burst);
    expect(new Set(leaseOrder).size).toBe(burst);
    // Earliest due first: the 1 h leads (i = 0, 4, 8 …) in the order synced, then the 2 h ones …
    const expected = [0, 1, 2, 3].flatMap((k) =>
      Array.from({ length: burst / 4 }, (_v, j) => lead(4 * j + k).key),
    );
    expect(leaseOrder).toEqual(expected);
    // Moved as BullMQ moves them: waiting, delay 0.
    expect(await one.queue.getWaitingCount()).toBe(burst);
    expect((await one.queue.getJob(lead(9_999).key))?.delay).toBe(0);
  });
});
