import { describe, expect, it } from "vitest";
import { useHubspotSandbox } from "./start.js";

const { start, call } = useHubspotSandbox();

const byOutcome = (outcomeId: string) => ({
  filterGroups: [{ filters: [{ propertyName: "telesync_outcome_id", operator: "EQ", value: outcomeId }] }],
  properties: ["telesync_outcome_id"],
  limit: 10,
  after: "0",
});

describe("HubSpot sandbox: search index lag", () => {
  it("hides a created call from /search until indexDelayMs has passed on the sandbox clock; reads see it at once", async () => {
    const { sandbox } = await start({ indexDelayMs: 10_000 });
    sandbox.setNow("2026-05-01T10:00:00Z");
    const [contact] = sandbox.seedContacts(1) as [string];
    const created = await call("POST", "/crm/v3/objects/calls/batch/create", {
      inputs: [
        {
          properties: { hs_timestamp: "2026-05-01T10:00:00Z", telesync_outcome_id: "o-1" },
          associations: [
            {
              to: { id: contact },
              types: [{ associationCategory: "HUBSPOT_DEFINED", associationTypeId: 194 }],
            },
          ],
        },
      ],
    });
    expect(created.status).toBe(201);
    const id = created.body.results[0].id as string;
    expect((await call("POST", "/crm/v3/objects/calls/search", byOutcome("o-1"))).body.total).toBe(0);
    expect((await call("GET", `/crm/v3/objects/calls/${id}`)).status).toBe(200);
    sandbox.advance(9_999);
    expect((await call("POST", "/crm/v3/objects/calls/search", byOutcome("o-1"))).body.total).toBe(0);
    sandbox.advance(1);
    const found = await call("POST", "/crm/v3/objects/calls/search", byOutcome("o-1"));
    expect(found.body.results.map((r: { id: string }) => r.id)).toEqual([id]);
  });

  it("serves a changed contact's previous version (old values, old lastmodifieddate) until the change is indexed", async () => {
    const { sandbox } = await start();
    sandbox.setNow("2026-05-01T10:00:00Z");
    const [contact] = sandbox.seedContacts(1, { properties: () => ({ hs_lead_status: "NEW" }) }) as [string];
    sandbox.setIndexDelay(5_000);
    sandbox.advance(60_000);
    sandbox.updateContact(contact, { hs_lead_status: "OPEN" });
    const search = {
      filterGroups: [{ filters: [{ propertyName: "hs_lead_status", operator: "EQ", value: "NEW" }] }],
      properties: ["hs_lead_status", "lastmodifieddate"],
      limit: 10,
      after: "0",
    };
    const stale = await call("POST", "/crm/v3/objects/contacts/search", search);
    expect(stale.body.results).toHaveLength(1);
    expect(stale.body.results[0].properties.lastmodifieddate).toBe("2026-05-01T10:00:00.000Z");
    sandbox.advance(5_000);
    expect((await call("POST", "/crm/v3/objects/contacts/search", search)).body.results).toHaveLength(0);
    const fresh = await call("POST", "/crm/v3/objects/contacts/search", {
      ...search,
      filterGroups: [{ filters: [{ propertyName: "hs_lead_status", operator: "EQ", value: "OPEN" }] }],
    });
    expect(fresh.body.results[0].properties.lastmodifieddate).toBe("2026-05-01T10:01:00.000Z");
  });
});
