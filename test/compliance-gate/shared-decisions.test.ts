import { randomBytes, randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { campaignCompliancePolicySchema } from "../../src/compliance/campaign-policy.js";
import { ComplianceGate } from "../../src/compliance-gate/compliance-gate.js";
import { SuppressionList } from "../../src/consent/suppression.js";
import type { Lead } from "../../src/model/lead.js";
import { createRedis, type Redis } from "../../src/queues/connection.js";
import { parseKeyList } from "../../src/security/key-material.js";
import { PhoneKeys } from "../../src/security/phone-keys.js";
import { salesforceLead } from "../support/leads.js";
import { dropPrefix, redisUrl } from "../support/redis.js";

/** Tuesday 19:00 UTC (14:00 in New York) and 13 hours later (03:00 in New York). */
const day = new Date("2026-12-01T19:00:00Z");
const night = new Date("2026-12-02T08:00:00Z");

function phoneKeys(): PhoneKeys {
  const parsed = parseKeyList(randomBytes(32).toString("base64"), "TEST_KEY");
  if (typeof parsed === "string") throw new Error(parsed);
  return new PhoneKeys(parsed);
}

function lead(phone: string, region: string, extra: Partial<Lead> = {}): Lead {
  return salesforceLead(phone, phone, {
    country: "US",
    region,
    modifiedAt: "2026-11-30T00:00:00.000Z",
    ...extra,
  });
}

/**
 * A page's leads at one location share one decision; a lead with anything of its own in play (an
 * attempt, the internal do-not-call list, the CRM flag) is decided alone. Either way every decision
 * is what deciding the lead by itself gives (the oracle: one `decide` call per lead).
 */
describe("ComplianceGate.decide: one decision per location for a page", () => {
  let redis: Redis;
  let prefix: string;
  let gate: ComplianceGate;

  beforeEach(async () => {
    redis = createRedis(redisUrl(), "producer");
    prefix = `{t-${randomUUID().slice(0, 12)}}`;
    gate = new ComplianceGate({
      redis,
      prefix,
      campaigns: {
        c: {
          compliance: campaignCompliancePolicySchema.parse({ requiredRegistries: [] }),
        },
      },
      now: () => day,
      phoneKeys: phoneKeys(),
    });
    await new SuppressionList(redis, prefix).add(["+12125550103"], {
      source: "agent",
      at: day.toISOString(),
    });
  });

  afterEach(async () => {
    await dropPrefix(prefix);
    redis.disconnect();
  });

  it.each([
    ["business hours", day],
    ["night", night],
  ])(
    "at %s: shared where nothing is the lead's own, and equal to deciding each lead alone",
    async (_n, now) => {
      // Five attempts within the hour on one number: the campaign cap (5 per 24 h) holds it.
      const pipeline = redis.pipeline();
      for (let i = 1; i <= 5; i++)
        gate.attempts.record(pipeline, "+12125550104", `o-${i}`, new Date(now.getTime() - i * 60_000));
      await pipeline.exec();
      const leads = [
        lead("+12125550100", "NY"),
        lead("+12125550101", "NY"),
        lead("+12125550102", "NY", { altPhones: ["+12125550199"] }),
        lead("+12125550103", "NY"),
        lead("+12125550104", "NY"),
        lead("+12125550105", "NY", { doNotCall: true }),
        lead("+13055550106", "FL"),
        lead("+13055550107", "FL"),
        // Same zones and jurisdictions as the first, another address: its own location, same verdict.
        lead("+12125550108", "NY", { postalCode: "10001" }),
        lead("+12125550109", "NY", { postalCode: "10002" }),
      ];
      const decisions = await gate.decide(leads, "c", now);
      const alone = await Promise.all(leads.map(async (l) => (await gate.decide([l], "c", now))[0]));
      expect(JSON.parse(JSON.stringify(decisions))).toEqual(JSON.parse(JSON.stringify(alone)));
      // Same location, nothing of their own: one decision object.
      expect(decisions[1]).toBe(decisions[0]);
      expect(decisions[2]).toBe(decisions[0]);
      expect(decisions[7]).toBe(decisions[6]);
      expect(decisions[6]).not.toBe(decisions[0]);
      // Placed alike by another address: a decision of its own, carrying its own location.
      expect(decisions[8]).not.toBe(decisions[0]);
      expect(decisions[8]?.location.basis).not.toEqual(decisions[0]?.location.basis);
      expect(decisions[8]?.location.zones).toEqual(decisions[0]?.location.zones);
      // On the internal list, capped by attempts, flagged in the CRM: decided alone.
      expect(decisions[3]?.decision).toBe("block");
      expect(decisions[4]).not.toBe(decisions[0]);
      expect(decisions[4]?.decision).toBe("wait");
      expect(decisions[5]?.decision).toBe("block");
      expect(decisions[0]?.decision).toBe(now === day ? "allow" : "wait");
    },
  );
});
