import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SalesforceInput } from "../../src/demo/sandbox-config.js";
import { phoneQuery } from "../../src/lookup/phone-forms.js";
import { type ConfigInput, type Harness, startHarness } from "../support/harness.js";

/**
 * A screen pop finds the records of the integration's Account and custom-object sources, not only
 * Leads and Contacts: real jsforce SOSL to the sandbox. Oracle: the records this test inserts, and
 * Lightning's record URL `/lightning/r/<object>/<id>/view` on the instance.
 */
function configure(input: ConfigInput): ConfigInput {
  return {
    ...input,
    integrations: {
      sf: {
        ...(input.integrations.sf as SalesforceInput),
        objects: { Donor__c: { doNotCallField: "Do_Not_Call__c" } },
      },
    },
    mappings: {
      ...input.mappings,
      account: { fields: [{ to: "phone", from: "Phone", transform: ["phone"] }] },
      donor: { fields: [{ to: "phone", from: "Mobile__c", transform: ["phone"] }] },
    },
    sources: [
      ...(input.sources ?? []),
      {
        id: "companies",
        integration: "sf",
        campaign: "q4",
        mapping: "account",
        select: { object: "Account" },
      },
      { id: "donors", integration: "sf", campaign: "q4", mapping: "donor", select: { object: "Donor__c" } },
    ],
  };
}

interface Body {
  records: Array<{ objectType: string; id: string; name?: string; phoneField: string; url?: string }>;
  unavailable: unknown[];
}

describe("GET /v1/lookup over the sources' Account and custom objects (sandbox, real jsforce)", () => {
  let h: Harness;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    h = await startHarness({
      configure,
      seed: (sandbox) => {
        ids.account = sandbox.salesforce.insert("Account", { Name: "Acme Corp", Phone: "(212) 555-0142" });
        ids.donor = sandbox.salesforce.insert("Donor__c", { Name: "D-0001", Mobile__c: "+1 212-555-0143" });
        // Phone__c is a phone field the donor mapping does not read: not returned, though SOSL searches it.
        ids.unread = sandbox.salesforce.insert("Donor__c", { Name: "D-0002", Phone__c: "212.555.0143" });
        ids.lead = sandbox.salesforce.insert("Lead", {
          LastName: "Lead",
          Company: "Acme",
          Phone: "2125550142",
        });
        return [ids.lead];
      },
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  const lookup = async (phone: string): Promise<Body> => {
    const response = await h.call("GET", `/v1/lookup?phone=${encodeURIComponent(phone)}`);
    expect(response.status).toBe(200);
    return (await response.json()) as Body;
  };

  it("finds an Account by its Phone beside the Lead with the same number, each with its record page", async () => {
    const body = await lookup("+12125550142");
    expect(body.unavailable).toEqual([]);
    expect(
      body.records.map(({ objectType, id, name, phoneField, url }) => ({
        objectType,
        id,
        name,
        phoneField,
        url,
      })),
    ).toEqual([
      {
        objectType: "Lead",
        id: ids.lead,
        name: "Lead",
        phoneField: "Phone",
        url: `${h.sandbox.url}/lightning/r/Lead/${ids.lead}/view`,
      },
      {
        objectType: "Account",
        id: ids.account,
        name: "Acme Corp",
        phoneField: "Phone",
        url: `${h.sandbox.url}/lightning/r/Account/${ids.account}/view`,
      },
    ]);
  });

  it("finds a custom-object record by the phone field its source's mapping reads", async () => {
    const body = await lookup("(212) 555-0143");
    expect(
      body.records.map(({ objectType, id, phoneField, url }) => ({ objectType, id, phoneField, url })),
    ).toEqual([
      {
        objectType: "Donor__c",
        id: ids.donor,
        phoneField: "Mobile__c",
        url: `${h.sandbox.url}/lightning/r/Donor__c/${ids.donor}/view`,
      },
    ]);
  });

  it("numbers asked for together share one SOSL (FIND {a OR b}); each answer holds only its own records", async () => {
    const connector = h.telesync.connector("sf");
    const first = phoneQuery("+12125550142", "US");
    const second = phoneQuery("+12125550143", "US");
    if (!first || !second || !connector.findByPhone) throw new Error("setup");
    const before = h.sandbox.salesforce.stats().search;
    // Both asked in the same tick: the second is waiting before the first search has its slot.
    const [a, b] = await Promise.all([connector.findByPhone(first), connector.findByPhone(second)]);
    expect(h.sandbox.salesforce.stats().search - before).toBe(1);
    // Without sources, only Leads and Contacts: the Lead carries …0142, nothing carries …0143.
    expect(a?.map((m) => m.id)).toEqual([ids.lead]);
    expect(b).toEqual([]);
  });
});
