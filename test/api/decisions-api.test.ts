import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertLeads, withAddress } from "../compliance-gate/support.js";
import { type Harness, startHarness } from "../support/harness.js";

/** Tuesday 8 December 2026, 07:30 in New York. */
const at0730 = Date.parse("2026-12-08T12:30:00Z");

describe("GET /v1/leads/{leadKey}/decisions", () => {
  let h: Harness;
  let ids: Map<string, string>;
  const path = (name: string) => `/v1/leads/${encodeURIComponent(`sf/Lead/${ids.get(name)}`)}/decisions`;

  beforeAll(async () => {
    h = await startHarness({
      compliance: true,
      now: () => new Date(at0730),
      configure: withAddress,
      seed: (sandbox) => {
        sandbox.salesforce.setNow(new Date(at0730 - 60_000));
        ids = insertLeads(sandbox, [
          { name: "NewYork", phone: "(212) 555-0102", state: "NY" },
          { name: "PuertoRico", phone: "(787) 555-0101", state: "PR" },
          { name: "TollFree", phone: "(800) 555-0199", state: "NY" },
        ]);
        sandbox.salesforce.setNow(new Date(at0730));
        return [...ids.values()];
      },
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("returns the decisions that held a lead, with rule, dataset version and evidence", async () => {
    const response = await h.call("GET", path("NewYork"));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { leadKey: string; decisions: unknown[] };
    expect(body.leadKey).toBe(`sf/Lead/${ids.get("NewYork")}`);
    expect(body.decisions).toEqual([
      {
        id: expect.stringMatching(/^\d+-\d+$/),
        at: "2026-12-08T12:30:00.000Z",
        stage: "sync",
        campaign: "q4",
        decision: "wait",
        until: "2026-12-08T13:00:00.000Z",
        reason: "outside permitted calling time: 08:00-21:00 (US)",
        rule: { id: "hours.US", version: expect.stringMatching(/^us-federal@\d{4}\.\d\d\.\d\d$/) },
        evidence: { zone: "America/New_York", localTime: "2026-12-08T07:30 tue", jurisdiction: "US" },
        zones: ["America/New_York"],
        jurisdictions: ["US", "US-NY"],
        tzVersion: expect.stringMatching(/^20\d\d[a-z]$/),
        // Every rule refusing at that instant, with when it alone allows (47 CFR 64.1200(c)(1)).
        refusals: [
          {
            rule: { id: "hours.US", version: expect.stringMatching(/^us-federal@/) },
            jurisdiction: "US",
            zone: "America/New_York",
            localTime: "2026-12-08T07:30 tue",
            reason: "calls only 08:00-21:00",
            allowsAt: "2026-12-08T13:00:00.000Z",
          },
        ],
      },
    ]);
  });

  it("returns a block with its reason, for a lead that was never queued", async () => {
    const body = (await (await h.call("GET", path("TollFree"))).json()) as { decisions: unknown[] };
    expect(body.decisions).toMatchObject([
      {
        decision: "block",
        reason: "location unknown",
        rule: { id: "location.unknown", version: "campaign-policy" },
        evidence: { detail: expect.stringContaining("TOLL_FREE") },
      },
    ]);
  });

  it("adds lease-time decisions, newest first", async () => {
    // The held lead, forced back to waiting: the lease-time gate holds it again and says so.
    await (await h.telesync.dialQueues.get("q4").queue.getJob(`sf/Lead/${ids.get("NewYork")}`))?.promote();
    const leased = await h.call("POST", "/v1/campaigns/q4/leases");
    expect(leased.status).toBe(200);
    expect(((await leased.json()) as { lead: { lastName: string } }).lead.lastName).toBe("PuertoRico");
    expect((await h.call("POST", "/v1/campaigns/q4/leases")).status).toBe(204);
    const body = (await (await h.call("GET", path("NewYork"))).json()) as { decisions: unknown[] };
    expect(body.decisions).toMatchObject([
      { stage: "lease", decision: "wait", until: "2026-12-08T13:00:00.000Z" },
      { stage: "sync", decision: "wait" },
    ]);
  });

  it("answers 200 with no decisions for a queued lead the gate always allowed, 404 for an unknown key", async () => {
    const allowed = await h.call("GET", path("PuertoRico"));
    expect(allowed.status).toBe(200);
    expect(await allowed.json()).toMatchObject({ decisions: [] });
    const unknown = await h.call(
      "GET",
      `/v1/leads/${encodeURIComponent("sf/Lead/00Q000000000000AAA")}/decisions`,
    );
    expect(unknown.status).toBe(404);
  });

  it("refuses requests without the API key", async () => {
    expect((await fetch(`${h.url}${path("NewYork")}`)).status).toBe(401);
    const wrong = await h.call("GET", path("NewYork"), undefined, { authorization: "Bearer nope" });
    expect(wrong.status).toBe(401);
  });
});
