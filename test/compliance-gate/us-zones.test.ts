import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DecisionRecord } from "../../src/compliance-gate/decision-log.js";
import { type Harness, outcomeBody, startHarness, unscreened } from "../support/harness.js";
import { insertLeads, withAddress, type ZoneLead, zoneLeads } from "./support.js";

interface LeaseBody {
  leaseId: string;
  notAfter?: string;
  previewOnly: boolean;
  lead: { key: string; lastName: string };
}

/** Tuesday 8 December 2026, 07:30 in New York (EST, UTC−5). */
const start = Date.parse("2026-12-08T12:30:00Z");

describe("compliance gate, integrated: a campaign across every US zone synced at 07:30 Eastern", () => {
  let h: Harness;
  let clock = start;
  let ids: Map<string, string>;
  let outcomes = 0;

  const advanceTo = (iso: string) => {
    clock = Date.parse(iso);
    h.sandbox.salesforce.setNow(new Date(clock));
  };

  beforeAll(async () => {
    h = await startHarness({
      compliance: true,
      now: () => new Date(clock),
      configure: (input) => ({
        ...withAddress(input),
        sources: [
          { id: "leads", integration: "sf", campaign: "q4", mapping: "lead", select: { object: "Lead" } },
          // A second campaign of the same seller calling the Florida lead.
          {
            id: "florida",
            integration: "sf",
            campaign: "fl",
            mapping: "lead",
            select: { object: "Lead", where: "State = 'FL'" },
          },
        ],
        campaigns: {
          q4: { lease: { ttl: "30s" }, compliance: unscreened },
          fl: {
            lease: { ttl: "30s" },
            compliance: unscreened,
            outcomes: { no_answer: { action: "retry", delay: "1h", maxAttempts: 9 } },
          },
        },
      }),
      seed: (sandbox) => {
        sandbox.salesforce.setNow(new Date(start - 60_000));
        ids = insertLeads(sandbox, zoneLeads);
        sandbox.salesforce.setNow(new Date(start));
        return [...ids.values()];
      },
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  const key = (name: ZoneLead) => `sf/Lead/${ids.get(name)}`;

  async function lease(campaign = "q4"): Promise<LeaseBody | undefined> {
    const response = await h.call("POST", `/v1/campaigns/${campaign}/leases`);
    if (response.status === 204) return undefined;
    expect(response.status).toBe(200);
    return (await response.json()) as LeaseBody;
  }

  async function report(leased: LeaseBody, disposition = "connected"): Promise<void> {
    const response = await h.call(
      "POST",
      `/v1/leases/${leased.leaseId}/outcome`,
      outcomeBody(`zones-${++outcomes}`, { disposition }),
    );
    expect(response.status).toBe(202);
  }

  /** Lease until 204; every lease is completed as connected. Returns who was leased. */
  async function drain(): Promise<{ names: string[]; leases: LeaseBody[] }> {
    const leases: LeaseBody[] = [];
    for (let leased = await lease(); leased; leased = await lease()) {
      leases.push(leased);
      await report(leased);
    }
    return { names: leases.map((l) => l.lead.lastName).sort(), leases };
  }

  async function decisions(name: ZoneLead): Promise<DecisionRecord[]> {
    const response = await h.call("GET", `/v1/leads/${encodeURIComponent(key(name))}/decisions`);
    expect(response.status).toBe(200);
    return ((await response.json()) as { decisions: DecisionRecord[] }).decisions;
  }

  it("queued every lead at sync, holding the ones outside their window as delayed jobs", async () => {
    const queue = h.telesync.dialQueues.get("q4").queue;
    expect(await queue.getJobCounts("waiting", "delayed")).toEqual({ waiting: 1, delayed: 8 });
    expect(await (await queue.getJob(key("PuertoRico")))?.getState()).toBe("waiting");
    const [held] = await decisions("NewYork");
    expect(held).toMatchObject({
      stage: "sync",
      campaign: "q4",
      decision: "wait",
      until: "2026-12-08T13:00:00.000Z",
      rule: { id: "hours.US", version: expect.stringMatching(/^us-federal@/) },
      evidence: { zone: "America/New_York", localTime: "2026-12-08T07:30 tue", jurisdiction: "US" },
    });
  });

  it("at 07:30 Eastern leases only Puerto Rico (08:30 there), with its window's close as notAfter", async () => {
    const { names, leases } = await drain();
    expect(names).toEqual(["PuertoRico"]);
    // 21:00 in San Juan (AST, UTC−4).
    expect(leases[0]).toMatchObject({ notAfter: "2026-12-09T01:00:00.000Z", previewOnly: false });
    advanceTo("2026-12-08T12:59:59.999Z");
    expect(await lease()).toBeUndefined();
  });

  it.each([
    // 08:00 local opens each zone; Florida is in Eastern and Central, so Central's 08:00 binds.
    ["2026-12-08T13:00:00.000Z", ["NewYork"], "2026-12-09T02:00:00.000Z"],
    ["2026-12-08T14:00:00.000Z", ["Chicago", "Miami"], undefined],
    // Arizona keeps MST all year: in December it opens with Denver.
    ["2026-12-08T15:00:00.000Z", ["Denver", "Phoenix"], undefined],
    ["2026-12-08T16:00:00.000Z", ["SanFrancisco"], undefined],
    // Alaska's candidate zones include America/Adak (UTC−10), so it opens with Hawaii.
    ["2026-12-08T18:00:00.000Z", ["Anchorage", "Honolulu"], undefined],
  ] as const)("at %s releases exactly %j", async (at, expected, notAfter) => {
    // One millisecond before: nothing new is callable.
    advanceTo(new Date(Date.parse(at) - 1).toISOString());
    expect(await lease()).toBeUndefined();
    advanceTo(at);
    const { names, leases } = await drain();
    expect(names).toEqual([...expected].sort());
    for (const leased of leases) expect(Date.parse(leased.notAfter ?? "")).toBeGreaterThan(clock);
    if (notAfter) expect(leases[0]?.notAfter).toBe(notAfter);
    if ((expected as readonly string[]).includes("Chicago")) {
      // Florida's 20:00 close in Eastern (01:00Z) comes before Illinois' 21:00 Central (03:00Z).
      const miami = leases.find((l) => l.lead.lastName === "Miami");
      expect(miami?.notAfter).toBe("2026-12-09T01:00:00.000Z");
    }
  });

  it("refuses a 4th attempt on a Florida number within 24 h, across campaigns (cap.US-FL)", async () => {
    // Attempt 1 was the q4 call at 14:00Z. The fl campaign now calls the same number twice.
    advanceTo("2026-12-08T18:30:00.000Z");
    const synced = await h.telesync.sync("florida");
    expect(synced).toMatchObject({ added: 1, held: 0, blocked: 0 });
    for (const at of ["2026-12-08T18:30:00.000Z", "2026-12-08T19:30:00.000Z"]) {
      advanceTo(at);
      const leased = await lease("fl");
      expect(leased?.lead.lastName).toBe("Miami");
      await report(leased as LeaseBody, "no_answer");
    }
    // The retry is due at 20:30Z, inside Florida's hours: only the cap stands in the way.
    advanceTo("2026-12-08T20:30:00.000Z");
    expect(await lease("fl")).toBeUndefined();
    const job = await h.telesync.dialQueues.get("fl").queue.getJob(key("Miami"));
    expect(await job?.getState()).toBe("delayed");
    const [refusal] = await decisions("Miami");
    expect(refusal).toMatchObject({
      stage: "lease",
      campaign: "fl",
      decision: "wait",
      // 24 h after the first attempt (14:00Z): the earliest time the cap allows.
      until: "2026-12-09T14:00:00.000Z",
      rule: { id: "cap.US-FL", version: expect.stringMatching(/^frequency-caps@/) },
      evidence: { jurisdiction: "US-FL" },
    });
    expect(refusal?.reason).toMatch(/3 attempts in 24 h \(max 3\)/);

    advanceTo("2026-12-09T13:59:59.999Z");
    expect(await lease("fl")).toBeUndefined();
    advanceTo("2026-12-09T14:00:00.000Z");
    expect((await lease("fl"))?.lead.lastName).toBe("Miami");
  });
});
