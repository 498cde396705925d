import { afterEach, describe, expect, it } from "vitest";
import { eventually, type Harness, startHarness } from "../support/harness.js";

interface Receipt {
  state: string;
  leadKey?: string;
  reason?: string;
  records?: Array<{ role: string; objectType: string; id: string }>;
}

const callers = 60;
/** Numbers no seeded record carries (the seed uses the 555 exchange), E.164 by hand. */
const callerPhone = (i: number) => `+1646867${String(1000 + i)}`;

const createLead = {
  integration: "sf",
  object: "Lead",
  idField: "Telesync_Inbound_Id__c",
  fields: {
    Phone: { from: "phone" },
    FirstName: { from: "callerFirstName" },
    // Salesforce requires LastName and Company on a Lead (object reference, Lead).
    LastName: { from: "callerLastName", default: "Unknown caller" },
    Company: { value: "Unknown (inbound call)" },
    LeadSource: { value: "Phone Inquiry" },
  },
} as const;

function call(i: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    direction: "inbound",
    phone: callerPhone(i),
    outcomeId: `new-caller-${i}`,
    disposition: "connected",
    startedAt: "2026-11-30T16:00:00.000Z",
    durationSec: 60,
    agent: { id: "agent-7" },
    ...overrides,
  };
}

describe("inbound.policy create-lead (sandbox, real jsforce, real Redis)", () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it("creates one Lead per unknown caller and logs the call to it, with lost responses and repeated requests", async () => {
    h = await startHarness({
      leads: 5,
      service: { writeback: { batchWindowMs: 5 } },
      configure: (input) => ({ ...input, inbound: { policy: "create-lead", createLead } }),
    });
    const sf = h.sandbox.salesforce;
    const leadsBefore = sf.all("Lead").length;
    // One answer in four is lost after Salesforce applied it: the Lead upserts and the Task creates.
    sf.injectFault({
      kind: "lost-response",
      count: 10_000,
      match: { kind: "composite-upsert", probability: 0.25 },
    });
    sf.injectFault({
      kind: "lost-response",
      count: 10_000,
      match: { kind: "composite-create", probability: 0.25 },
    });

    for (let i = 0; i < callers; i++) {
      const body = call(i, i % 2 === 0 ? { callerName: "Ada van Dyke" } : {});
      const first = await h.call("POST", "/v1/calls", body);
      expect(first.status).toBe(202);
      expect(await first.json()).toMatchObject({ duplicate: false, attributedBy: "created-lead" });
      // The dialer did not see the answer and sends the call again: still one call, one lead.
      const again = await h.call("POST", "/v1/calls", body);
      expect(await again.json()).toMatchObject({ duplicate: true });
    }

    const receipt = async (i: number) =>
      (await (await h.call("GET", `/v1/outcomes/new-caller-${i}`)).json()) as Receipt;
    await eventually(
      async () => {
        for (let i = 0; i < callers; i++) if ((await receipt(i)).state !== "written") return false;
        return true;
      },
      120_000,
      "every receipt written",
    );

    const created = sf.all("Lead").filter((lead) => typeof lead.Telesync_Inbound_Id__c === "string");
    expect(sf.all("Lead")).toHaveLength(leadsBefore + callers);
    expect(created).toHaveLength(callers);
    for (let i = 0; i < callers; i++) {
      const written = await receipt(i);
      const lead = written.records?.find((r) => r.role === "created-lead");
      expect(lead?.objectType).toBe("Lead");
      expect(written.leadKey).toBe(`sf/Lead/${lead?.id}`);
      const record = sf.get("Lead", lead?.id as string);
      expect(record).toMatchObject({
        Phone: callerPhone(i),
        Company: "Unknown (inbound call)",
        LeadSource: "Phone Inquiry",
      });
      expect(record).toMatchObject(
        i % 2 === 0 ? { FirstName: "Ada", LastName: "van Dyke" } : { LastName: "Unknown caller" },
      );
      const tasks = sf.all("Task").filter((t) => t.CallObject === `new-caller-${i}`);
      expect(tasks).toHaveLength(1);
      expect(tasks[0]).toMatchObject({ WhoId: lead?.id, CallType: "Inbound" });
    }
  });

  it("a number several records carry is still asked about (409), never a new lead", async () => {
    h = await startHarness({
      leads: 0,
      seed: (sandbox) =>
        ["Ann", "Bob"].map((FirstName) =>
          sandbox.salesforce.insert("Lead", {
            FirstName,
            LastName: "Lee",
            Company: "Acme",
            Phone: "(415) 555-0199",
          }),
        ),
      configure: (input) => ({ ...input, inbound: { policy: "create-lead", createLead } }),
    });
    const answer = await h.call("POST", "/v1/calls", call(0, { phone: "(415) 555-0199" }));
    expect(answer.status).toBe(409);
    expect(await answer.json()).toMatchObject({ error: "ambiguous_caller" });
    expect(h.sandbox.salesforce.all("Lead")).toHaveLength(2);
  });
});
