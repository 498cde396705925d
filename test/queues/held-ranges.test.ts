import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Lead } from "../../src/model/lead.js";
import { DialQueue } from "../../src/queues/dial-queue.js";
import { redisKeys } from "../../src/queues/keys.js";
import { PhoneIndex } from "../../src/queues/phone-index.js";
import { securityKeysFromEnv } from "../../src/security/security-keys.js";
import { salesforceLead } from "../support/leads.js";
import { dropPrefix, redisUrl, uniquePrefix } from "../support/redis.js";

const HOUR = 3_600_000;

function lead(n: number): Lead {
  return salesforceLead(`00Q${String(n).padStart(15, "0")}`, `+1212555${String(n).padStart(4, "0")}`);
}

/**
 * A sync's held leads are stored once, in BullMQ's delayed set: the due index gets one range entry
 * per (chunk, until), not one entry per lead, and releasing it on telesync's clock releases exactly
 * the range's jobs that are still delayed.
 */
describe("DialQueue: sync holds as due ranges; the phone index in buckets", () => {
  const prefix = uniquePrefix();
  const phoneKeys = securityKeysFromEnv({}).phones;
  let redis: Redis;
  let queue: DialQueue;
  // telesync's clock, driven: 10 days ahead of real time, as a simulation's would be.
  const clock = Date.now() + 10 * 24 * HOUR;
  beforeAll(() => {
    redis = new Redis(redisUrl());
    queue = new DialQueue("q4", redis, prefix, phoneKeys, () => new Date(clock));
  });
  afterAll(async () => {
    await queue.close();
    redis.disconnect();
    await dropPrefix(prefix);
  });

  const dueKey = () => redisKeys(prefix).dueIndex("q4");

  it("250 held leads in chunks of 100 with two until times: one due entry per (chunk, until)", async () => {
    const items = Array.from({ length: 250 }, (_v, i) => ({
      lead: lead(i),
      sourceId: "leads",
      delay: i % 2 === 0 ? HOUR : 2 * HOUR,
      isNew: true,
    }));
    const counts = await queue.upsert(items, 100);
    expect(counts.added).toBe(250);
    expect(await queue.queue.getDelayedCount()).toBe(250);
    // 3 chunks × 2 delays, hand-counted: 6 entries, none of them a job id.
    const entries = await redis.zrange(dueKey(), "0", "-1");
    expect(entries).toHaveLength(6);
    expect(entries.every((entry) => entry.startsWith(":"))).toBe(true);

    // One of the early leads leaves the source: its job is removed, the range stays.
    expect(await queue.remove([lead(0).key])).toBe(1);

    const start = clock;
    expect(await queue.releaseDue(1000, start + HOUR - 1)).toEqual({ due: 0, released: 0 });
    // At start + 1 h: the 125 even leads, less the removed one, moved to the wait list.
    expect(await queue.releaseDue(1000, start + HOUR)).toEqual({ due: 3, released: 124 });
    const released = await redis.lrange(queue.queue.toKey("wait"), 0, -1);
    expect(released.sort()).toEqual(Array.from({ length: 124 }, (_v, i) => lead(2 * (i + 1)).key).sort());
    // Released once: a second call finds nothing due.
    expect(await queue.releaseDue(1000, start + HOUR)).toEqual({ due: 0, released: 0 });
    expect(await queue.releaseDue(1000, start + 2 * HOUR)).toEqual({ due: 3, released: 125 });
    expect(await redis.zcard(dueKey())).toBe(0);
    expect(await redis.zcard(queue.queue.toKey("delayed"))).toBe(0);
    expect(await redis.llen(queue.queue.toKey("wait"))).toBe(249);
  });

  it("a range holding more jobs than one call's limit is released over several calls, each job once", async () => {
    const items = Array.from({ length: 250 }, (_v, i) => ({
      lead: lead(1000 + i),
      sourceId: "leads",
      delay: 3 * HOUR,
      isNew: true,
    }));
    // One chunk of 250 with one until: one range entry.
    expect((await queue.upsert(items, 250)).added).toBe(250);
    const at = clock + 3 * HOUR;
    expect(await redis.zcount(dueKey(), "-inf", at)).toBe(1);
    // A limit of 100 jobs per call: 100, 100, then the last 50 and the entry goes (hand-counted).
    // A call that spends its whole budget answers `due: limit`, so the caller calls again.
    expect(await queue.releaseDue(100, at)).toEqual({ due: 100, released: 100 });
    expect(await redis.zcount(dueKey(), "-inf", at)).toBe(1);
    expect(await queue.releaseDue(100, at)).toEqual({ due: 100, released: 100 });
    expect(await queue.releaseDue(100, at)).toEqual({ due: 1, released: 50 });
    expect(await redis.zcount(dueKey(), "-inf", at)).toBe(0);
    const released = await redis.lrange(queue.queue.toKey("wait"), 0, -1);
    const mine = released.filter((key) => items.some((item) => item.lead.key === key));
    expect(mine.sort()).toEqual(items.map((item) => item.lead.key).sort());
    expect(await queue.releaseDue(100, at)).toEqual({ due: 0, released: 0 });
  });

  it("finds a number's leads in its bucket, and in the per-number set written before buckets", async () => {
    const index = new PhoneIndex(redis, prefix, phoneKeys);
    const phone = lead(7).phone;
    // The layout before buckets: one set per number, `<campaign>\t<lead key>`.
    await redis.sadd(redisKeys(prefix).phoneJobs(phoneKeys.current(phone)), "winback\tsf/Lead/old");
    const found = await index.lookup(phone);
    expect(found).toEqual(
      expect.arrayContaining([
        { campaign: "q4", leadKey: lead(7).key },
        { campaign: "winback", leadKey: "sf/Lead/old" },
      ]),
    );
    expect(found).toHaveLength(2);
    // Another number of the same bucket, if any, is not returned: only lead 7's entries matched.
    expect(await index.lookup("+15550000000")).toEqual([]);
  });
});
