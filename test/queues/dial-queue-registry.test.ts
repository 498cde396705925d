import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Lead } from "../../src/model/lead.js";
import { DialQueueRegistry, UnknownCampaignError } from "../../src/queues/dial-queue-registry.js";
import { securityKeysFromEnv } from "../../src/security/security-keys.js";
import { salesforceLead } from "../support/leads.js";
import { dropPrefix, redisUrl, uniquePrefix } from "../support/redis.js";

function lead(crmId: string, phone: string): Lead {
  return salesforceLead(crmId, phone);
}

describe("DialQueueRegistry: every campaign's dial queue, opened on first use", () => {
  const prefix = uniquePrefix();
  let redis: Redis;
  let queues: DialQueueRegistry;
  beforeAll(() => {
    redis = new Redis(redisUrl());
    queues = new DialQueueRegistry({
      redis,
      prefix,
      campaigns: ["q4", "winback"],
      phoneKeys: securityKeysFromEnv({}).phones,
      now: () => new Date(),
    });
  });
  afterAll(async () => {
    await queues.close();
    redis.disconnect();
    await dropPrefix(prefix);
  });

  it("hands out one queue per configured campaign and refuses any other name, prototype keys included", async () => {
    expect(queues.get("q4")).toBe(queues.get("q4"));
    expect(queues.get("q4")).not.toBe(queues.get("winback"));
    for (const name of ["nope", "__proto__", "constructor", "toString"]) {
      expect(queues.has(name)).toBe(false);
      expect(() => queues.get(name)).toThrow(UnknownCampaignError);
    }
    // Refusing wrote nothing.
    expect(await redis.keys(`${prefix}*`)).toEqual([]);
  });

  it("finds a lead's jobs across campaigns and removes the lead from all of them", async () => {
    const shared = lead("00Q1", "+14155550101");
    const other = lead("00Q2", "+14155550102");
    await queues.get("q4").upsert(
      [
        { lead: shared, sourceId: "a" },
        { lead: other, sourceId: "a" },
      ],
      10,
    );
    await queues.get("winback").upsert([{ lead: shared, sourceId: "b" }], 10);

    const found = await queues.jobsOfLead(shared.key);
    expect(found.map((each) => each.campaign).sort()).toEqual(["q4", "winback"]);
    expect(await queues.removeLead(shared.key)).toBe(2);
    expect(await queues.jobsOfLead(shared.key)).toEqual([]);
    // The other lead stays; removing a lead twice removes nothing.
    expect((await queues.jobsOfLead(other.key)).map((each) => each.campaign)).toEqual(["q4"]);
    expect(await queues.removeLead(shared.key)).toBe(0);
  });
});
