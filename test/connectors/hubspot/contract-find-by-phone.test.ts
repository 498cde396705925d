import nock from "nock";
import { describe, expect, it } from "vitest";
import { HubspotConnector } from "../../../connectors/hubspot/connector.js";
import type { PhoneQuery } from "../../../connectors/types.js";
import { API, fixture, hubspotConfig, NOW, useNockedConnector } from "./support.js";

const query: PhoneQuery = {
  e164: "+14155550199",
  nationalDigits: "4155550199",
  forms: ["+14155550199", "(415) 555-0199", "+1 415-555-0199"],
};

describe("HubSpot contract: contacts by phone (POST /crm/v3/objects/contacts/search)", () => {
  const current = useNockedConnector();

  it("ORs one IN filter per phone property, within the search limits, and takes a slot of the search budget", async () => {
    let sent: unknown;
    nock(API)
      .post("/crm/v3/objects/contacts/search", (body) => {
        sent = body;
        return true;
      })
      .reply(200, fixture("contacts-search-phone"));
    const matches = await current.connector.findByPhone(query);
    // Search API: filterGroups are ORed, filters in a group ANDed; IN takes `values`.
    expect(sent).toEqual({
      filterGroups: [
        { filters: [{ propertyName: "phone", operator: "IN", values: query.forms }] },
        { filters: [{ propertyName: "mobilephone", operator: "IN", values: query.forms }] },
      ],
      sorts: ["hs_object_id"],
      properties: ["firstname", "lastname", "phone", "mobilephone"],
      limit: 50,
      after: "0",
    });
    expect(matches).toEqual([
      { objectType: "contacts", id: "501", name: "Hu Spot", phoneField: "phone", phone: "(415) 555-0199" },
      {
        objectType: "contacts",
        id: "502",
        name: "Mobile",
        phoneField: "mobilephone",
        phone: "+1 415-555-0199",
      },
    ]);
    // Searches spend the search budget only (HubSpot limits search per account on its own); what the
    // account's burst window saw of them comes back through the rate-limit headers.
    expect(current.setup.rateLimiter.acquired.map((a) => a.bucket)).toEqual(["hubspot:hs1:search"]);
  });

  it("links records to the portal's UI when the Hub ID is configured", async () => {
    nock(API).post("/crm/v3/objects/contacts/search").reply(200, fixture("contacts-search-phone"));
    const connector = new HubspotConnector(
      hubspotConfig(API, { portalId: "4455667", appUrl: "https://app-eu1.hubspot.com" }),
      current.setup.ctx,
      { now: () => NOW, sleep: async () => {} },
    );
    try {
      const matches = await connector.findByPhone(query);
      expect(matches.map((m) => m.url)).toEqual([
        "https://app-eu1.hubspot.com/contacts/4455667/record/0-1/501",
        "https://app-eu1.hubspot.com/contacts/4455667/record/0-1/502",
      ]);
    } finally {
      await connector.close();
    }
  });
});
