import { afterEach, describe, expect, it } from "vitest";
import { eventually, type Harness, startHarness } from "../support/harness.js";

describe("an opt-out holds from the moment it is acknowledged", () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it("no lease requested after the 202 hands out the phone, with 50 agents leasing in a loop", async () => {
    h = await startHarness({ leads: 600 });
    const target = (await h.telesync.dialQueues.get("q4").queue.getJobs(["waiting"], 300, 300))[0]?.data.lead;
    if (!target) throw new Error("no lead to opt out");
    const leases: { requestedAt: number; phone: string }[] = [];
    let stop = false;
    const agents = Array.from({ length: 50 }, async () => {
      while (!stop) {
        const requestedAt = performance.now();
        const response = await h.call("POST", "/v1/campaigns/q4/leases");
        if (response.status === 204) return;
        const body = (await response.json()) as { leaseId: string; lead: { phone: string } };
        leases.push({ requestedAt, phone: body.lead.phone });
        // Give it straight back, so the target stays in play until the opt-out.
        await h.call("POST", `/v1/leases/${body.leaseId}/release`);
      }
    });
    await eventually(() => leases.length >= 200, 30_000, "agents leasing");
    const response = await h.call("POST", "/v1/consent", {
      phone: target.phone,
      status: "opted_out",
      source: "inbound",
    });
    const acknowledgedAt = performance.now();
    expect(response.status).toBe(202);
    await eventually(
      () => leases.filter((l) => l.requestedAt > acknowledgedAt).length >= 2_000,
      60_000,
      "more leases",
    );
    stop = true;
    await Promise.all(agents);
    const after = leases.filter((l) => l.requestedAt > acknowledgedAt);
    expect(after.length).toBeGreaterThanOrEqual(2_000);
    expect(after.filter((l) => l.phone === target.phone)).toHaveLength(0);
    // And the CRM hears about it.
    await eventually(
      () => h.sandbox.salesforce.get("Lead", target.crmId)?.DoNotCall === true,
      30_000,
      "DoNotCall",
    );
  });
});
