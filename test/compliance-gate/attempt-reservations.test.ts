import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AttemptLog } from "../../src/compliance-gate/attempt-log.js";
import { AttemptReservations } from "../../src/compliance-gate/attempt-reservations.js";
import { securityKeysFromEnv } from "../../src/security/security-keys.js";
import { dropPrefix, redisUrl, uniquePrefix } from "../support/redis.js";

const HOUR = 3_600_000;
// Florida's cap (Fla. Stat. § 501.616(6)): 3 calls per 24 h per number; a 5-minute lease.
const florida = [{ windowMs: 24 * HOUR, maxAttempts: 3 }];
const t0 = new Date("2026-11-30T15:00:00Z");
const at = (ms: number) => new Date(t0.getTime() + ms);
const fiveMin = 5 * 60_000;

describe("AttemptReservations: caps count leases in flight", () => {
  const prefix = uniquePrefix();
  let redis: Redis;
  let log: AttemptLog;
  let holds: AttemptReservations;
  beforeAll(() => {
    redis = new Redis(redisUrl());
    log = new AttemptLog(redis, prefix, 24 * HOUR, securityKeysFromEnv({}).phones);
    holds = new AttemptReservations(redis, (phone) => log.keyOf(phone));
  });
  afterAll(async () => {
    redis.disconnect();
    await dropPrefix(prefix);
  });

  async function record(phone: string, outcomeId: string, when: Date): Promise<void> {
    const pipeline = redis.pipeline();
    log.record(pipeline, phone, outcomeId, when);
    await pipeline.exec();
  }

  it("with 2 attempts made, one lease reserves the 3rd; a concurrent second lease waits until the first ends", async () => {
    const phone = "+13055550101";
    await record(phone, "o1", at(-2 * HOUR));
    await record(phone, "o2", at(-HOUR));
    expect(await holds.reserve([phone], "lease-a", florida, t0, at(fiveMin))).toEqual({ reserved: true });
    expect(await holds.reserve([phone], "lease-b", florida, at(1_000), at(1_000 + fiveMin))).toEqual({
      reserved: false,
      retryAt: at(fiveMin),
    });
    // Lease A is released uncalled: B may now take the attempt.
    const pipeline = redis.pipeline();
    holds.drop(pipeline, [phone], "lease-a");
    await pipeline.exec();
    expect(await holds.reserve([phone], "lease-b", florida, at(2_000), at(2_000 + fiveMin))).toEqual({
      reserved: true,
    });
  });

  it("an abandoned lease's reservation ends at the lease's expiry by itself", async () => {
    const phone = "+13055550102";
    await record(phone, "o1", at(-3 * HOUR));
    await record(phone, "o2", at(-2 * HOUR));
    expect((await holds.reserve([phone], "lease-a", florida, t0, at(fiveMin))).reserved).toBe(true);
    expect(
      (await holds.reserve([phone], "lease-b", florida, at(fiveMin - 1), at(2 * fiveMin))).reserved,
    ).toBe(false);
    expect((await holds.reserve([phone], "lease-b", florida, at(fiveMin), at(2 * fiveMin))).reserved).toBe(
      true,
    );
  });

  it("an outcome confirms: the attempt is recorded and the reservation dropped, so the cap is full", async () => {
    const phone = "+13055550103";
    await record(phone, "o1", at(-HOUR));
    await record(phone, "o2", at(-HOUR / 2));
    expect((await holds.reserve([phone], "lease-a", florida, t0, at(fiveMin))).reserved).toBe(true);
    const pipeline = redis.pipeline();
    log.record(pipeline, phone, "o3", at(60_000));
    holds.drop(pipeline, [phone], "lease-a");
    await pipeline.exec();
    // 3 attempts in 24 h: no reservation possible, even after lease A's end.
    const later = await holds.reserve([phone], "lease-b", florida, at(2 * fiveMin), at(3 * fiveMin));
    expect(later.reserved).toBe(false);
    expect(await holds.reserve([phone], "lease-c", florida, at(24 * HOUR - HOUR + 1), at(24 * HOUR))).toEqual(
      {
        reserved: true,
      },
    );
  });

  it("every number of a lead: all are reserved or none", async () => {
    const [main, mobile] = ["+13055550104", "+13055550105"];
    await record(mobile, "m1", at(-HOUR));
    await record(mobile, "m2", at(-HOUR));
    await record(mobile, "m3", at(-HOUR));
    expect((await holds.reserve([main, mobile], "lease-a", florida, t0, at(fiveMin))).reserved).toBe(false);
    // Nothing was reserved on the free number either: three other leases can still take it.
    for (const lease of ["x", "y", "z"])
      expect((await holds.reserve([main], lease, florida, t0, at(fiveMin))).reserved).toBe(true);
  });

  it("50 concurrent leases of one number with nothing made: exactly 3 reserve (never over the cap)", async () => {
    const phone = "+13055550106";
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => holds.reserve([phone], `lease-${i}`, florida, t0, at(fiveMin))),
    );
    expect(results.filter((r) => r.reserved)).toHaveLength(3);
  });
});
