import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Lease } from "../../src/dialer/lease-service.js";
import { insertLeads, withAddress } from "../compliance-gate/support.js";
import { eventually, type Harness, outcomeBody, startHarness, unscreened } from "../support/harness.js";

/**
 * Monday 30 November 2026, 19:50 in Miami (EST, UTC−5). Florida's window closes at 20:00 local
 * (Fla. Stat. § 501.616(6)(a): 8 a.m.–8 p.m.), before the federal 21:00 (47 CFR 64.1200(c)(1)),
 * so a lease now carries notAfter = 20:00 EST = 2026-12-01T01:00:00Z.
 */
const start = Date.parse("2026-12-01T00:50:00Z");
const notAfter = "2026-12-01T01:00:00.000Z";

describe("an outcome of a call started after the lease's notAfter: written, but flagged", () => {
  let h: Harness;
  let clock = start;

  beforeAll(async () => {
    h = await startHarness({
      compliance: true,
      now: () => new Date(clock),
      configure: (input) => ({
        ...withAddress(input),
        campaigns: { q4: { lease: { ttl: "30m" }, compliance: unscreened } },
      }),
      seed: (sandbox) => {
        sandbox.salesforce.setNow(new Date(start - 60_000));
        const ids = insertLeads(sandbox, [
          { name: "Late", phone: "(305) 555-0111", state: "FL" },
          { name: "OnTime", phone: "(305) 555-0112", state: "FL" },
        ]);
        sandbox.salesforce.setNow(new Date(start));
        return [...ids.values()];
      },
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("flags the late call on the CRM Task, in a metric, in the lead's decision log and in stats", async () => {
    const a = (await h.service.leases.lease("q4")) as Lease;
    const b = (await h.service.leases.lease("q4")) as Lease;
    expect(a.notAfter).toBe(notAfter);
    expect(b.notAfter).toBe(notAfter);
    const [late, onTime] = a.lead.lastName === "Late" ? [a, b] : [b, a];

    clock = Date.parse("2026-12-01T01:05:00Z");
    // 20:02 EST: two minutes after the window closed. 19:59:59 EST: inside it.
    const lateStarted = "2026-12-01T01:02:00.000Z";
    const r1 = await h.call(
      "POST",
      `/v1/leases/${late.leaseId}/outcome`,
      outcomeBody("flag-late", { startedAt: lateStarted }),
    );
    expect(r1.status).toBe(202);
    const r2 = await h.call(
      "POST",
      `/v1/leases/${onTime.leaseId}/outcome`,
      outcomeBody("flag-ontime", { startedAt: "2026-12-01T00:59:59.000Z" }),
    );
    expect(r2.status).toBe(202);

    const tasks = () => h.sandbox.salesforce.all("Task");
    await eventually(() => tasks().length === 2, 30_000, "both Tasks written");
    const byOutcome = new Map(tasks().map((t) => [String(t.CallObject), String(t.Description ?? "")]));
    expect(byOutcome.get("flag-late")).toBe(
      `COMPLIANCE: call started after the calling window closed (notAfter ${notAfter}, started ${lateStarted})\n\nInterested in a demo next week`,
    );
    expect(byOutcome.get("flag-ontime")).toBe("Interested in a demo next week");

    const metrics = await h.service.metrics.registry.metrics();
    expect(metrics).toMatch(
      /telesync_outcome_compliance_flags_total\{campaign="q4",kind="startedAfterNotAfter"\} 1\n/,
    );

    const [entry] = await h.telesync.compliance.decisions.read(late.lead.key);
    expect(entry).toMatchObject({ stage: "outcome", decision: "flag", campaign: "q4" });
    expect(entry?.reason).toContain(`notAfter ${notAfter}`);
    expect(await h.telesync.compliance.decisions.read(onTime.lead.key)).toEqual([]);

    const stats = (await (await h.call("GET", "/v1/campaigns/q4/stats")).json()) as {
      complianceFlags: { startedAfterNotAfter: number; warning?: string };
    };
    expect(stats.complianceFlags.startedAfterNotAfter).toBe(1);
    expect(stats.complianceFlags.warning).toMatch(/^1 outcome\(s\) of calls started after/);

    // A retry of the late outcome is a duplicate: nothing counts twice.
    const again = await h.call(
      "POST",
      `/v1/leases/${late.leaseId}/outcome`,
      outcomeBody("flag-late", { startedAt: lateStarted }),
    );
    expect(again.status).toBe(202);
    const after = (await (await h.call("GET", "/v1/campaigns/q4/stats")).json()) as typeof stats;
    expect(after.complianceFlags.startedAfterNotAfter).toBe(1);
  });
});
