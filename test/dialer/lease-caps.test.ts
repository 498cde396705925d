import type { Job } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Lease } from "../../src/dialer/lease-service.js";
import { insertLeads, withAddress } from "../compliance-gate/support.js";
import { type Harness, startHarness, unscreened } from "../support/harness.js";

/**
 * Fla. Stat. § 501.616(6)(b): no more than 3 commercial telephone solicitation calls from the same
 * seller to the same number within 24 hours. Tuesday 1 December 2026, 10:00 in Miami (EST, UTC−5):
 * inside Florida's 08:00–20:00 window (§ 501.616(6)(a)) and the federal 08:00–21:00.
 */
const start = Date.parse("2026-12-01T15:00:00Z");
const phone = "+13055550103";
const ttlMs = 30_000;

describe("frequency caps reserve at lease: two CRM records with one Florida number", () => {
  let h: Harness;
  let clock = start;
  let ids: Map<string, string>;
  let last: Lease;

  beforeAll(async () => {
    h = await startHarness({
      compliance: true,
      now: () => new Date(clock),
      configure: (input) => ({
        ...withAddress(input),
        campaigns: { q4: { lease: { ttl: "30s" }, compliance: unscreened } },
      }),
      seed: (sandbox) => {
        sandbox.salesforce.setNow(new Date(start - 60_000));
        ids = insertLeads(sandbox, [
          { name: "MiamiOne", phone: "(305) 555-0103", state: "FL" },
          { name: "MiamiTwo", phone: "305.555.0103", state: "FL" },
        ]);
        sandbox.salesforce.setNow(new Date(start));
        return [...ids.values()];
      },
    });
    // Two attempts already made in the last 24 h (10 h and 2 h ago): one of the 3 remains.
    const pipeline = h.telesync.redis.pipeline();
    h.telesync.compliance.attempts.record(pipeline, phone, "earlier-1", new Date(start - 10 * 3_600_000));
    h.telesync.compliance.attempts.record(pipeline, phone, "earlier-2", new Date(start - 2 * 3_600_000));
    await pipeline.exec();
  });
  afterAll(async () => {
    await h?.close();
  });

  const leases = () => h.service.leases;
  const jobState = async (leadKey: string): Promise<string> => {
    const queue = h.telesync.dialQueues.get("q4").queue;
    const jobs = await queue.getJobs(["wait", "delayed", "active", "completed", "prioritized"]);
    const job = jobs.find((j) => (j as Job).data.lead.key === leadKey);
    return job ? await job.getState() : "missing";
  };

  it("leases the last free attempt once; the other record waits; a release frees it", async () => {
    const both = await Promise.all([leases().lease("q4"), leases().lease("q4")]);
    const leased = both.filter((l): l is Lease => l !== undefined);
    // 2 attempts + 1 reservation = 3 = the cap: exactly one lease.
    expect(leased).toHaveLength(1);
    const first = leased[0] as Lease;
    const otherKey = [...ids.values()]
      .map((id) => `sf/Lead/${id}`)
      .find((k) => k !== first.lead.key) as string;
    expect(await jobState(otherKey)).toBe("delayed");
    expect(await leases().lease("q4")).toBeUndefined();

    // The reservation ends with the lock (30 s); an extension at +20 s moves it to +50 s.
    clock = start + 20_000;
    await leases().extend(first.leaseId);
    clock = start + ttlMs;
    // The other record came due at +30 s (the first reservation's end) but the extended one still holds.
    expect(await leases().lease("q4")).toBeUndefined();
    expect(await jobState(otherKey)).toBe("delayed");

    // Released: the reservation is dropped at once (well before +50 s), so the number can be leased again.
    await leases().release(first.leaseId);
    const again = await leases().lease("q4");
    expect(again).toBeDefined();
    // Still one attempt free: whichever record holds it, the other is not leased.
    expect(await leases().lease("q4")).toBeUndefined();
    await leases().release((again as Lease).leaseId);

    // The waiting record comes due at +50 s and is leased now that nobody holds the attempt.
    clock = start + 50_000;
    const got: Lease[] = [];
    for (let i = 0; i < 2; i++) {
      const next = await leases().lease("q4");
      if (next) got.push(next);
    }
    expect(got).toHaveLength(1);
    last = got[0] as Lease;
  });

  it("an outcome records the attempt and drops the lease's reservation in its place", async () => {
    const reservedKey = `${h.telesync.compliance.attempts.keyOf(phone)}:reserved`;
    expect(await h.telesync.redis.zcard(reservedKey)).toBe(1);
    await h.service.outcomes.report(last.leaseId, {
      outcomeId: "caps-outcome-1",
      disposition: "no_answer",
      startedAt: new Date(clock).toISOString(),
      durationSec: 20,
      direction: "outbound",
      agent: { id: "agent-7" },
    });
    expect(await h.telesync.redis.zcard(reservedKey)).toBe(0);
    const [made] = await h.telesync.compliance.attempts.read([phone], new Date(clock));
    // 2 earlier attempts + this call = 3: the cap is now full from attempts alone.
    expect(made).toHaveLength(3);
    expect(await leases().lease("q4")).toBeUndefined();
  });
});
