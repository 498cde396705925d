import { afterEach, describe, expect, it } from "vitest";
import type { SalesforceInput } from "../../src/demo/sandbox-config.js";
import type { Lead } from "../../src/model/lead.js";
import { eventually, type Harness, outcomeBody, startHarness } from "../support/harness.js";

/**
 * The oracle, from Salesforce's Task reference (sforce_api_objects_task.htm) and the person account
 * model (an Account row with a matched Contact row, PersonContactId): a call on a business account
 * or a custom object that allows activities is Related To it (WhatId, no WhoId); a call on a person
 * account names the person's contact (WhoId = PersonContactId).
 */
function expectedLink(h: Harness, lead: Pick<Lead, "objectType" | "crmId">): Record<string, unknown> {
  const account = lead.objectType === "Account" ? h.sandbox.salesforce.get("Account", lead.crmId) : undefined;
  if (account?.IsPersonAccount === true) return { WhoId: account.PersonContactId, WhatId: null };
  return { WhatId: lead.crmId, WhoId: null };
}

describe("Account and custom-object sources: pulled, leased and written back (sandbox, real HTTP, real Redis)", () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it("writes each call on the right record (WhatId / WhoId = PersonContactId) and opt-outs to the object's own checkbox, or keeps them internal", async () => {
    let donors: string[] = [];
    let businesses: string[] = [];
    let persons: string[] = [];
    h = await startHarness({
      configure: (input) => ({
        ...input,
        integrations: {
          sf: {
            ...(input.integrations.sf as SalesforceInput),
            // Donors have a do-not-call checkbox; business accounts get none here: consent stays internal.
            objects: { Donor__c: { doNotCallField: "Do_Not_Call__c" } },
          },
        },
        mappings: {
          donor: {
            fields: [
              { to: "phone", from: "Phone__c", transform: ["phone"], required: true },
              { to: "firstName", from: "First_Name__c" },
              { to: "lastName", from: "Last_Name__c" },
              { to: "doNotCall", from: "Do_Not_Call__c", transform: ["boolean"] },
            ],
          },
          business: {
            fields: [
              { to: "phone", from: "Phone", transform: ["phone"], required: true },
              { to: "company", from: "Name" },
            ],
          },
          person: {
            fields: [
              { to: "phone", from: "PersonMobilePhone", transform: ["phone"], required: true },
              { to: "firstName", from: "FirstName" },
              { to: "lastName", from: "LastName" },
              { to: "doNotCall", from: "PersonDoNotCall", transform: ["boolean"] },
            ],
          },
        },
        sources: [
          {
            id: "leads",
            integration: "sf",
            campaign: "q4",
            mapping: "donor",
            select: { object: "Donor__c", where: "Stage__c = 'Active'" },
          },
          {
            id: "companies",
            integration: "sf",
            campaign: "q4",
            mapping: "business",
            select: { object: "Account", accounts: "business" },
          },
          {
            id: "people",
            integration: "sf",
            campaign: "q4",
            mapping: "person",
            select: { object: "Account", accounts: "person" },
          },
        ],
      }),
      seed: (sandbox) => {
        donors = sandbox.salesforce.seedDonors(6);
        sandbox.salesforce.seedDonors(2, { stage: "Lapsed" });
        businesses = sandbox.salesforce.seedAccounts(4);
        persons = sandbox.salesforce.seedAccounts(4, { person: true });
        return [...donors, ...businesses, ...persons];
      },
    });
    expect(await h.telesync.sync("companies")).toMatchObject({ added: 4 });
    expect(await h.telesync.sync("people")).toMatchObject({ added: 4 });

    const leased: Lead[] = [];
    for (;;) {
      const response = await h.call("POST", "/v1/campaigns/q4/leases");
      if (response.status === 204) break;
      expect(response.status).toBe(200);
      const { leaseId, lead } = (await response.json()) as { leaseId: string; lead: Lead };
      leased.push(lead);
      // The first donor and the first business account ask not to be called again.
      const optOut = lead.crmId === donors[0] || lead.crmId === businesses[0];
      const posted = await h.call(
        "POST",
        `/v1/leases/${leaseId}/outcome`,
        outcomeBody(`loop-${lead.crmId}`, optOut ? { consent: { phone: "revoked" } } : {}),
      );
      expect(posted.status).toBe(202);
    }
    // Lapsed donors are in no source; every other record was queued once, under its object's key.
    expect(leased.map((l) => l.key).sort()).toEqual(
      [
        ...donors.map((id) => `sf/Donor__c/${id}`),
        ...[...businesses, ...persons].map((id) => `sf/Account/${id}`),
      ].sort(),
    );

    const tasks = () => h.sandbox.salesforce.all("Task");
    await eventually(() => tasks().length === leased.length, 30_000, `${leased.length} Tasks`);
    const byOutcome = new Map(tasks().map((t) => [t.CallObject, t]));
    for (const lead of leased) {
      expect(byOutcome.get(`loop-${lead.crmId}`), `${lead.key}`).toMatchObject({
        ...expectedLink(h, lead),
        TaskSubtype: "Call",
        CallDisposition: "Connected",
      });
    }
    // Person accounts are named by their contact, never by the Account id.
    for (const id of persons) {
      const contactId = h.sandbox.salesforce.get("Account", id)?.PersonContactId;
      expect(typeof contactId === "string" && contactId.startsWith("003")).toBe(true);
    }

    // The donor's opt-out reaches its checkbox; the business account has none, so Salesforce is left
    // alone and the number stays on telesync's own list.
    await eventually(
      () => h.sandbox.salesforce.get("Donor__c", donors[0]!)?.Do_Not_Call__c === true,
      30_000,
      "Donor__c.Do_Not_Call__c",
    );
    expect(h.sandbox.salesforce.get("Donor__c", donors[1]!)?.Do_Not_Call__c).toBe(false);
    expect(h.sandbox.salesforce.get("Account", businesses[0]!)?.Do_Not_Call__c).toBe(false);
    const businessLead = leased.find((l) => l.crmId === businesses[0]);
    expect(await h.service.consent.suppression.firstSuppressed([businessLead!.phone])).toBe(
      businessLead!.phone,
    );
  });
});
