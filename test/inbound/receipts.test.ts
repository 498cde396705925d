import { afterEach, describe, expect, it } from "vitest";
import { HubspotConnector } from "../../connectors/hubspot/connector.js";
import type { ActivityWrite } from "../../connectors/types.js";
import { receiptRecords } from "../../src/writeback/receipt-records.js";
import { hubspotConfig, redisContext } from "../connectors/hubspot/support.js";
import { eventually, type Harness, outcomeBody, startHarness } from "../support/harness.js";

interface Receipt {
  state: string;
  nextAttemptAt?: string;
  lastError?: string;
  attempts?: number;
  records?: Array<{ role: string; id: string }>;
}

describe("outcome receipts over HTTP (sandbox, real jsforce, real Redis)", () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it("goes accepted → retrying (next attempt, last error) → written when Salesforce fails three times", async () => {
    h = await startHarness({ leads: 3 });
    expect(await (await h.call("GET", "/v1/outcomes/never-posted")).json()).toMatchObject({
      error: "outcome_not_found",
    });
    h.sandbox.salesforce.injectFault({ kind: "server-error", count: 3, match: "composite-create" });
    const leased = (await (await h.call("POST", "/v1/campaigns/q4/leases")).json()) as { leaseId: string };
    const postedAt = Date.now();
    await h.call("POST", `/v1/leases/${leased.leaseId}/outcome`, outcomeBody("r-1"));
    const seen = new Set<string>();
    let retrying: Receipt | undefined;
    await eventually(
      async () => {
        const receipt = (await (await h.call("GET", "/v1/outcomes/r-1")).json()) as Receipt;
        seen.add(receipt.state);
        if (receipt.state === "retrying") retrying ??= receipt;
        return receipt.state === "written";
      },
      60_000,
      "written",
    );
    expect(seen.has("retrying")).toBe(true);
    expect(retrying?.lastError).toBeTruthy();
    expect(Date.parse(retrying?.nextAttemptAt as string)).toBeGreaterThan(postedAt);
    const written = (await (await h.call("GET", "/v1/outcomes/r-1")).json()) as Receipt;
    expect(written.attempts).toBe(4);
    expect(written.nextAttemptAt).toBeUndefined();
    expect(h.sandbox.salesforce.get("Task", written.records?.[0]?.id as string)).toMatchObject({
      CallObject: "r-1",
    });
  });

  it("goes dead-lettered with the CRM's reason, and written after the dead letter is replayed", async () => {
    h = await startHarness({ leads: 2 });
    const leased = (await (await h.call("POST", "/v1/campaigns/q4/leases")).json()) as {
      leaseId: string;
      lead: { crmId: string };
    };
    const lift = h.sandbox.salesforce.rejectRecord(
      (record, info) => info.type === "Task" && record.WhoId === leased.lead.crmId,
      { message: "Call Result is required for this lead source" },
    );
    await h.call("POST", `/v1/leases/${leased.leaseId}/outcome`, outcomeBody("r-2"));
    const read = async () =>
      (await (await h.call("GET", "/v1/outcomes/r-2")).json()) as Receipt & { reason?: string };
    await eventually(async () => (await read()).state === "dead-lettered", 30_000, "dead-lettered");
    expect((await read()).reason).toContain("Call Result is required");
    lift();
    const [letter] = await h.service.deadLetters.list();
    expect(await h.service.replayDeadLetter(letter?.id as string)).toBe(true);
    await eventually(async () => (await read()).state === "written", 30_000, "written after replay");
    const written = await read();
    expect(written.reason).toBeUndefined();
    expect(h.sandbox.salesforce.get("Task", written.records?.[0]?.id as string)).toMatchObject({
      WhoId: leased.lead.crmId,
      CallObject: "r-2",
    });
  });
});

describe("the records a receipt names", () => {
  const write: ActivityWrite = {
    outcomeId: "o-1",
    lead: { objectType: "contacts", crmId: "501" },
    call: { direction: "inbound", startedAt: "2026-11-30T16:00:00Z", durationSec: 60, subject: "Call" },
    leadUpdates: { hs_lead_status: "CONNECTED" },
    doNotCall: true,
  };

  it("names the call, the lead updates and the consent change, with HubSpot record URLs from the portal id", async () => {
    const redis = await redisContext("hs1");
    const withPortal = new HubspotConnector(
      hubspotConfig("http://127.0.0.1:9", { portalId: 62515 }),
      redis.ctx,
    );
    const withoutPortal = new HubspotConnector(hubspotConfig("http://127.0.0.1:9"), redis.ctx);
    try {
      const details = {
        activityObjectType: withPortal.activityObjectType,
        recordUrl: (type: string, id: string) => withPortal.recordUrl(type, id),
      };
      // HubSpot's object type ids: calls 0-48, contacts 0-1 (developers.hubspot.com, object APIs).
      expect(receiptRecords(write, { activityId: "9001" }, details)).toEqual([
        {
          role: "activity",
          objectType: "calls",
          id: "9001",
          url: "https://app.hubspot.com/contacts/62515/record/0-48/9001",
        },
        {
          role: "lead",
          objectType: "contacts",
          id: "501",
          url: "https://app.hubspot.com/contacts/62515/record/0-1/501",
          fields: ["hs_lead_status"],
        },
        {
          role: "consent",
          objectType: "contacts",
          id: "501",
          url: "https://app.hubspot.com/contacts/62515/record/0-1/501",
        },
      ]);
      const unknown = receiptRecords(
        write,
        { activityId: "9001" },
        {
          activityObjectType: "calls",
          recordUrl: (type, id) => withoutPortal.recordUrl(type, id),
        },
      );
      expect(unknown[0]?.url).toBeUndefined();
      expect(unknown[0]?.urlUnknown).toMatch(/portalId/);
    } finally {
      await withPortal.close();
      await withoutPortal.close();
      await redis.close();
    }
  });
});
