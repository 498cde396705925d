import { afterEach, describe, expect, it } from "vitest";
import { eventually, type Harness, outcomeBody, startHarness } from "../support/harness.js";

/** The number three CRM records share, as a person would type it, and its E.164 form by hand. */
const sharedPhone = "(415) 555-0142";
const sharedE164 = "+14155550142";

interface Receipt {
  state: string;
  leadKey?: string;
  reason?: string;
  records?: Array<{ role: string; objectType: string; id: string; url?: string }>;
}

/** Three Leads with one number, modified at three known times (the middle one is the newest). */
function seedSharedNumber(h: { salesforce: Harness["sandbox"]["salesforce"] }): string[] {
  const sf = h.salesforce;
  const at = (iso: string, fields: Record<string, unknown>) => {
    sf.setNow(new Date(iso));
    return sf.insert("Lead", {
      ...fields,
      Phone: sharedPhone,
      Company: "Acme",
      Status: "Open - Not Contacted",
    });
  };
  const ids = [
    at("2026-11-01T10:00:00Z", { FirstName: "Jane", LastName: "Smith" }),
    at("2026-11-20T10:00:00Z", { FirstName: "John", LastName: "Smith" }),
    at("2026-11-10T10:00:00Z", { FirstName: "Judy", LastName: "Smith" }),
  ];
  sf.setNow(undefined);
  return ids;
}

function inboundCall(outcomeId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    direction: "inbound",
    phone: sharedPhone,
    outcomeId,
    disposition: "connected",
    startedAt: "2026-11-30T16:00:00.000Z",
    durationSec: 240,
    agent: { id: "agent-7" },
    notes: "Called back about the offer",
    ...overrides,
  };
}

describe("inbound calls on a number three CRM records share (sandbox, real jsforce, real Redis)", () => {
  let h: Harness;
  let clock: Date;
  afterEach(async () => {
    await h.close();
  });

  async function start(policy?: "ask" | "newest"): Promise<void> {
    clock = new Date("2026-11-30T15:00:00Z");
    h = await startHarness({
      now: () => clock,
      seed: (sandbox) => seedSharedNumber(sandbox),
      configure: (input) => (policy ? { ...input, inbound: { policy, attributionWindow: "7d" } } : input),
    });
  }

  const tasksOn = (leadId: string) => h.sandbox.salesforce.all("Task").filter((t) => t.WhoId === leadId);

  async function receipt(outcomeId: string): Promise<Receipt> {
    const response = await h.call("GET", `/v1/outcomes/${encodeURIComponent(outcomeId)}`);
    expect(response.status).toBe(200);
    return (await response.json()) as Receipt;
  }

  it("logs the outbound call and the call back to the one record that was dialled, once each", async () => {
    await start();
    const leased = (await (await h.call("POST", "/v1/campaigns/q4/leases")).json()) as {
      leaseId: string;
      lead: { key: string; crmId: string; phone: string };
    };
    expect(leased.lead.phone).toBe(sharedE164);
    const dialled = leased.lead.crmId;
    const posted = await h.call("POST", `/v1/leases/${leased.leaseId}/outcome`, outcomeBody("out-1"));
    expect(posted.status).toBe(202);

    clock = new Date("2026-11-30T16:00:00Z");
    const back = await h.call("POST", "/v1/calls", inboundCall("in-1"));
    expect(back.status).toBe(202);
    expect(await back.json()).toMatchObject({
      accepted: true,
      duplicate: false,
      leadKey: `sf/Lead/${dialled}`,
      attributedBy: "recent-lease",
    });
    // The same request again (a dialer retry): accepted once.
    const again = await h.call("POST", "/v1/calls", inboundCall("in-1"));
    expect(await again.json()).toMatchObject({ duplicate: true, leadKey: `sf/Lead/${dialled}` });

    await eventually(async () => (await receipt("in-1")).state === "written", 30_000, "inbound receipt");
    await eventually(async () => (await receipt("out-1")).state === "written", 30_000, "outbound receipt");
    const dialledTasks = tasksOn(dialled);
    expect(dialledTasks).toHaveLength(2);
    expect(dialledTasks.map((t) => t.CallType).sort()).toEqual(["Inbound", "Outbound"]);
    for (const other of h.leadIds.filter((id) => id !== dialled)) expect(tasksOn(other)).toHaveLength(0);

    const written = await receipt("in-1");
    expect(written.leadKey).toBe(`sf/Lead/${dialled}`);
    const activity = written.records?.find((r) => r.role === "activity");
    const task = h.sandbox.salesforce.get("Task", activity?.id as string);
    expect(task).toMatchObject({ WhoId: dialled, CallObject: "in-1", CallType: "Inbound" });
    // Salesforce's Lightning record page: <instance>/lightning/r/<Object>/<id>/view.
    expect(activity).toEqual({
      role: "activity",
      objectType: "Task",
      id: activity?.id,
      url: `${h.sandbox.url}/lightning/r/Task/${activity?.id}/view`,
    });

    // The same outcomeId from another number is not this call.
    const foreign = await h.call("POST", "/v1/calls", inboundCall("in-1", { phone: "+14155550199" }));
    expect(foreign.status).toBe(409);
    expect(await foreign.json()).toMatchObject({ error: "outcome_conflict" });
  });

  it("asks the agent to pick when nobody was dialled within the window, and logs to the record picked", async () => {
    await start("ask");
    const leased = (await (await h.call("POST", "/v1/campaigns/q4/leases")).json()) as { leaseId: string };
    await h.call("POST", `/v1/leases/${leased.leaseId}/outcome`, outcomeBody("out-2"));
    clock = new Date("2026-12-08T15:00:01Z"); // 7 days and 1 second after the lease

    const ambiguous = await h.call("POST", "/v1/calls", inboundCall("in-2"));
    expect(ambiguous.status).toBe(409);
    const body = (await ambiguous.json()) as {
      error: string;
      candidates: Array<{ leadKey: string; name: string }>;
    };
    expect(body.error).toBe("ambiguous_caller");
    expect(body.candidates.map((c) => c.leadKey).sort()).toEqual(
      h.leadIds.map((id) => `sf/Lead/${id}`).sort(),
    );
    for (const c of body.candidates) {
      expect(c.name).toMatch(/^J\*+ S\*+$/);
      expect(JSON.stringify(c)).not.toMatch(/Jane|John|Judy|Smith|555/);
    }
    expect(await h.call("GET", "/v1/outcomes/in-2").then((r) => r.status)).toBe(404);

    const picked = h.leadIds[2] as string;
    const chosen = await h.call("POST", "/v1/calls", inboundCall("in-2", { leadKey: `sf/Lead/${picked}` }));
    expect(chosen.status).toBe(202);
    expect(await chosen.json()).toMatchObject({ leadKey: `sf/Lead/${picked}`, attributedBy: "leadKey" });
    await eventually(async () => (await receipt("in-2")).state === "written", 30_000, "receipt");
    expect(tasksOn(picked).filter((t) => t.CallObject === "in-2")).toHaveLength(1);
    expect(h.sandbox.salesforce.all("Task").filter((t) => t.CallObject === "in-2")).toHaveLength(1);

    const unknown = await h.call(
      "POST",
      "/v1/calls",
      inboundCall("in-3", { leadKey: "sf/Lead/00Q000000000000ZZZ" }),
    );
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: "unknown_lead" });
    const stranger = await h.call("POST", "/v1/calls", inboundCall("in-4", { phone: "+12125550100" }));
    expect(stranger.status).toBe(404);
    expect(await stranger.json()).toMatchObject({ error: "unknown_caller" });
  });

  it("with policy newest logs to the most recently modified record, and an opt-out reaches every record", async () => {
    await start("newest");
    const response = await h.call(
      "POST",
      "/v1/calls",
      inboundCall("in-5", { consent: { phone: "revoked" } }),
    );
    expect(response.status).toBe(202);
    // Seeded above: the second record was modified last (2026-11-20).
    const newest = h.leadIds[1] as string;
    expect(await response.json()).toMatchObject({ leadKey: `sf/Lead/${newest}`, attributedBy: "newest" });
    await eventually(async () => (await receipt("in-5")).state === "written", 30_000, "receipt");
    expect(h.sandbox.salesforce.all("Task")).toHaveLength(1);
    expect(tasksOn(newest)).toHaveLength(1);
    const written = await receipt("in-5");
    expect(written.records?.map((r) => r.role)).toEqual(["activity", "consent"]);
    expect(await h.service.consent.suppression.firstSuppressed([sharedE164])).toBeTruthy();
    await eventually(
      () => h.leadIds.every((id) => h.sandbox.salesforce.get("Lead", id)?.DoNotCall === true),
      30_000,
      "DoNotCall on the three records",
    );
    // No lead with that number is leased any more.
    expect((await h.call("POST", "/v1/campaigns/q4/leases")).status).toBe(204);
  });
});
