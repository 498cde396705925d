import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, type Harness, outcomeBody, startHarness } from "../support/harness.js";
import { redisUrl } from "../support/redis.js";

describe("no phone number in a Redis key name after sync, lease, outcome, opt-out and writeback", () => {
  let h: Harness;
  let redis: Redis;
  beforeAll(async () => {
    h = await startHarness({ leads: 12 });
    redis = new Redis(redisUrl());
  });
  afterAll(async () => {
    redis?.disconnect();
    await h?.close();
  });

  it("key names carry hashes; the stored token is sealed", async () => {
    const phones: string[] = [];
    for (const [i, disposition] of ["connected", "no_answer", "voicemail"].entries()) {
      const lease = (await (await h.call("POST", "/v1/campaigns/q4/leases")).json()) as {
        leaseId: string;
        lead: { phone: string };
      };
      phones.push(lease.lead.phone);
      const response = await h.call(
        "POST",
        `/v1/leases/${lease.leaseId}/outcome`,
        outcomeBody(`o-${i}`, { disposition }),
      );
      expect(response.status).toBe(202);
    }
    const optOut = await h.call("POST", "/v1/consent", {
      phone: phones[0],
      status: "opted_out",
      source: "inbound",
    });
    expect(optOut.status).toBe(202);
    await eventually(
      async () => (await h.service.intake.queue("sf").getCompletedCount()) >= 4,
      30_000,
      "writeback",
    );

    const keys: string[] = [];
    let cursor = "0";
    do {
      const [next, batch] = await redis.scan(cursor, "MATCH", `${h.telesync.prefix}*`, "COUNT", 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== "0");
    const jobs = await h.telesync.dialQueues
      .get("q4")
      .queue.getJobs(["waiting", "delayed", "completed", "active"]);
    const allPhones = new Set([
      ...phones,
      ...jobs.flatMap((job) => [job.data.lead.phone, ...(job.data.lead.altPhones ?? [])]),
    ]);
    expect(allPhones.size).toBeGreaterThanOrEqual(12);
    for (const phone of allPhones) {
      // The national number (last 10 digits of a +1 number) in any key name, with or without +1.
      const national = phone.replace(/\D/g, "").slice(-10);
      expect(keys.filter((key) => key.includes(national))).toEqual([]);
    }
    // The keys that used to carry numbers exist, named by hash.
    // The phone index in buckets named by 3 hex digits of the hash (PhoneIndex), the others by the hash.
    const hashed = /:(phone-jobs:[0-9a-f]{3}|(attempts|consent:phone):[0-9a-f]{32})$/;
    for (const kind of ["phone-jobs", "attempts", "consent:phone"]) {
      expect(keys.some((key) => key.includes(`:${kind}:`) && hashed.test(key))).toBe(true);
    }
    const token = await redis.get(`${h.telesync.prefix}:token:sf`);
    expect(token?.startsWith("enc1.")).toBe(true);
  });
});
