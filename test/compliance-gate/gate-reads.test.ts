import { randomBytes, randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AttemptLog } from "../../src/compliance-gate/attempt-log.js";
import { AttemptReservations } from "../../src/compliance-gate/attempt-reservations.js";
import { EmergencyBans } from "../../src/compliance-gate/emergency-bans.js";
import { GateReads } from "../../src/compliance-gate/gate-reads.js";
import { RegistrySnapshots } from "../../src/compliance-gate/registry-snapshots.js";
import { SuppressionList } from "../../src/consent/suppression.js";
import { createRedis, type Redis } from "../../src/queues/connection.js";
import { parseKeyList } from "../../src/security/key-material.js";
import { PhoneKeys } from "../../src/security/phone-keys.js";
import { dropPrefix, redisUrl } from "../support/redis.js";

const HOUR = 3_600_000;
const now = new Date("2026-12-01T19:00:00Z");

function phoneKeys(): PhoneKeys {
  const parsed = parseKeyList(randomBytes(32).toString("base64"), "TEST_KEY");
  if (typeof parsed === "string") throw new Error(parsed);
  return new PhoneKeys(parsed);
}

/**
 * The gate's reads give the same state whether they run as one script (a hash-tagged prefix, every
 * key in one slot) or as one command per read (a prefix without a tag: keys in several slots).
 * The state is written here through the stores' own writers; the oracle is what was written.
 */
describe.each([
  ["one script (single-slot prefix)", () => `{t-${randomUUID().slice(0, 12)}}`],
  ["one command per read (tagged prefix)", () => `t-${randomUUID().slice(0, 12)}`],
])("GateReads: %s", (_name, newPrefix) => {
  let redis: Redis;
  let prefix: string;
  let reads: GateReads;
  let attempts: AttemptLog;
  let reservations: AttemptReservations;

  beforeEach(async () => {
    redis = createRedis(redisUrl(), "producer");
    prefix = newPrefix();
    const registries = new RegistrySnapshots(redis, prefix);
    const suppression = new SuppressionList(redis, prefix);
    const emergencies = new EmergencyBans(redis, prefix);
    attempts = new AttemptLog(redis, prefix, 24 * HOUR, phoneKeys());
    reservations = new AttemptReservations(redis, (phone) => attempts.keyOf(phone));
    reads = new GateReads(redis, prefix, { registries, attempts, suppression, emergencies, reservations });
    await registries.import(
      "US",
      "2026-11-30",
      (async function* () {
        yield "+12025550100";
        yield "+12025550101";
      })(),
    );
    await suppression.add(["+12025550102"], { source: "agent", at: now.toISOString() });
    await emergencies.set(
      { jurisdiction: "US-LA", until: "2026-12-10T00:00:00Z", reason: "hurricane" },
      "ops",
      now,
    );
    const pipeline = redis.pipeline();
    attempts.record(pipeline, "+12025550100", "o-1", new Date(now.getTime() - 2 * HOUR));
    attempts.record(pipeline, "+12025550100", "o-2", new Date(now.getTime() - HOUR));
    // Outside the 24 h retention: not read.
    attempts.record(pipeline, "+12025550103", "o-old", new Date(now.getTime() - 25 * HOUR));
    await pipeline.exec();
  });

  afterEach(async () => {
    await dropPrefix(prefix);
    redis.disconnect();
  });

  it("reads snapshots, bans, do-not-call flags, listings and attempts as written", async () => {
    const phones = ["+12025550100", "+12025550102", "+12025550103"];
    const numbers = [...phones, "+12025550101"];
    const state = await reads.read(phones, numbers, ["US"], now);
    expect([...state.snapshots.keys()]).toEqual(["US"]);
    expect(state.snapshots.get("US")?.snapshotAt).toBe("2026-11-30");
    expect(state.emergencies).toEqual([
      { jurisdiction: "US-LA", until: "2026-12-10T00:00:00Z", reason: "hurricane" },
    ]);
    expect([...state.dnc]).toEqual(["+12025550102"]);
    expect(state.listed.map((countries) => [...countries])).toEqual([["US"], [], []]);
    expect(state.attempts.map((times) => times.map((t) => t.toISOString()))).toEqual([
      [new Date(now.getTime() - 2 * HOUR).toISOString(), new Date(now.getTime() - HOUR).toISOString()],
      [],
      [],
    ]);
  });

  it("reads listings only for the countries asked (the caller reads again for a new one)", async () => {
    const state = await reads.read(["+12025550100"], ["+12025550100"], [], now);
    expect([...state.snapshots.keys()]).toEqual(["US"]);
    expect(state.listed.map((countries) => [...countries])).toEqual([[]]);
  });

  it("reserves a lease's frequency caps with the reads, all or none, as the reservation script alone does", async () => {
    // +12025550100 has 2 attempts in 24 h: a cap of 3 leaves one, for one lease at a time.
    const caps = [{ windowMs: 24 * HOUR, maxAttempts: 3 }];
    const ends = new Date(now.getTime() + 300_000);
    const phones = ["+12025550100"];
    const first = await reads.read(
      phones,
      phones,
      ["US"],
      now,
      reservations.call(phones, "lease-a", caps, now, ends),
    );
    expect(first.reserved).toEqual({ reserved: true });
    expect(first.attempts[0]).toHaveLength(2);
    const second = await reads.read(
      phones,
      phones,
      ["US"],
      now,
      reservations.call(phones, "lease-b", caps, now, ends),
    );
    expect(second.reserved).toEqual({ reserved: false, retryAt: ends });
    // The script alone sees lease A's reservation too; a read without one reserves nothing.
    expect(await reservations.reserve(phones, "lease-c", caps, now, ends)).toEqual({
      reserved: false,
      retryAt: ends,
    });
    expect((await reads.read(phones, phones, ["US"], now)).reserved).toBeUndefined();
    // Attempts alone fill a cap of 2: refused at once, and nothing reserved for the number's other lease.
    const full = [{ windowMs: 24 * HOUR, maxAttempts: 2 }];
    const refused = await reads.read(
      phones,
      phones,
      [],
      now,
      reservations.call(phones, "lease-d", full, now, ends),
    );
    expect(refused.reserved).toEqual({ reserved: false, retryAt: now });
    const pipeline = redis.pipeline();
    reservations.drop(pipeline, phones, "lease-a");
    await pipeline.exec();
    const third = await reads.read(
      phones,
      phones,
      ["US"],
      now,
      reservations.call(phones, "lease-b", caps, now, ends),
    );
    expect(third.reserved).toEqual({ reserved: true });
  });
});
