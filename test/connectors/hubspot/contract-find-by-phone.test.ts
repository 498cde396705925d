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
      limit: 200,
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

  it("numbers asked for while a search waits for its slot share that search; each gets only its own contacts", async () => {
    const other: PhoneQuery = {
      e164: "+16505550100",
      nationalDigits: "6505550100",
      forms: ["+16505550100", "(650) 555-0100", "+1 650 555 0100"],
    };
    const none: PhoneQuery = { e164: "+12125550100", nationalDigits: "2125550100", forms: ["+12125550100"] };
    const bodies: unknown[] = [];
    nock(API)
      .post("/crm/v3/objects/contacts/search", (body) => {
        bodies.push(body);
        return true;
      })
      .reply(200, fixture("contacts-search-phone"));
    const [first, second, third] = await Promise.all([
      current.connector.findByPhone(query),
      current.connector.findByPhone(other),
      current.connector.findByPhone(none),
    ]);
    // One request: the three numbers' forms in one IN per phone property (ORed groups).
    const values = [...query.forms, ...other.forms, ...none.forms];
    expect(bodies).toEqual([
      {
        filterGroups: [
          { filters: [{ propertyName: "phone", operator: "IN", values }] },
          { filters: [{ propertyName: "mobilephone", operator: "IN", values }] },
        ],
        sorts: ["hs_object_id"],
        properties: ["firstname", "lastname", "phone", "mobilephone"],
        limit: 200,
        after: "0",
      },
    ]);
    expect(current.setup.rateLimiter.acquired.map((a) => a.bucket)).toEqual(["hubspot:hs1:search"]);
    // The fixture's 501 has phone (415) 555-0199; 502 has mobile +1 415-555-0199 and phone +1 650 555 0100.
    expect(first?.map((m) => [m.id, m.phoneField])).toEqual([
      ["501", "phone"],
      ["502", "mobilephone"],
    ]);
    expect(second?.map((m) => [m.id, m.phoneField])).toEqual([["502", "phone"]]);
    expect(third).toEqual([]);
  });

  it("a number's forms beyond 200 distinct values wait for the next search", async () => {
    const many = (prefix: string): PhoneQuery => ({
      e164: `+1${prefix}0000`,
      nationalDigits: `${prefix}0000`,
      forms: Array.from({ length: 90 }, (_, i) => `${prefix}${String(i).padStart(4, "0")}`),
    });
    const bodies: Array<{ filterGroups: unknown[] }> = [];
    nock(API)
      .post("/crm/v3/objects/contacts/search", (body) => {
        bodies.push(body);
        return true;
      })
      .times(2)
      .reply(200, { total: 0, results: [] });
    await Promise.all(["415555", "650555", "212555"].map((p) => current.connector.findByPhone(many(p))));
    // 90 + 90 forms fit one search (≤ 2 × 100 per property: 2 groups each); the third number's 90 do not.
    expect(bodies.map((b) => b.filterGroups.length)).toEqual([4, 2]);
  });
});
