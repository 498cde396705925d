import { createHash } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { createRedis } from "../../src/queues/connection.js";
import { redisKeys } from "../../src/queues/keys.js";
import { OutcomeReceipts } from "../../src/writeback/receipts.js";
import { dropPrefix, redisUrl, uniquePrefix } from "../support/redis.js";

/** The receipt's lifetime as its doc comment states it: 30 days, in seconds. */
const thirtyDays = 30 * 24 * 60 * 60;

describe("the poster of an outcome on its receipt (one EVALSHA, real Redis)", () => {
  const prefix = uniquePrefix();
  const redis = createRedis(redisUrl(), "producer");
  afterAll(async () => {
    redis.disconnect();
    await dropPrefix(prefix);
  });

  it("keeps the first poster and renews the 30-day lifetime", async () => {
    const receipts = new OutcomeReceipts(redis, prefix);
    const at = new Date("2026-12-01T19:00:00Z");
    await receipts.accepted("o-1", { direction: "outbound", leadKey: "sf/Lead/1", at });
    const key = redisKeys(prefix).receipt(createHash("sha256").update("o-1").digest("hex").slice(0, 32));
    await redis.expire(key, 60);
    await receipts.postedBy("o-1", "floor-a");
    await receipts.postedBy("o-1", "floor-b");
    expect((await receipts.read("o-1"))?.postedBy).toBe("floor-a");
    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(thirtyDays - 60);
    expect(ttl).toBeLessThanOrEqual(thirtyDays);
  });
});
