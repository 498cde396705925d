import { describe, expect, it } from "vitest";
import { selectFingerprint } from "../../../connectors/salesforce/cursor.js";
import type { PullPage } from "../../../connectors/types.js";
import { api, collect, fixture, instance, storedToken, useSalesforceHarness } from "./helpers.js";

const campaignId = "701RO0000005AAAAA1";
const select = { campaignId, memberStatuses: ["Planned", "Sent"] };
const fields = ["Phone", "Company", "Account.Name"];
const statuses = "Status IN ('Planned', 'Sent')";

function describes(): void {
  instance()
    .get(`${api}/sobjects/Lead/describe`)
    .reply(200, fixture("describe-lead.json"))
    .get(`${api}/sobjects/Contact/describe`)
    .reply(200, fixture("describe-contact.json"));
}

/** A page with its cursor's look-back memory (`recent`) left out, for comparing positions. */
function withoutRecent(page: PullPage | undefined): PullPage | undefined {
  if (!page) return page;
  const { recent: _recent, ...cursor } = page.cursor as Record<string, unknown>;
  return { ...page, cursor };
}

describe("Salesforce pull of a campaign source (nock, documented formats)", () => {
  const h = useSalesforceHarness();

  it("reads members, then edits to their Leads/Contacts, then deleted members", async () => {
    await h.tokens.set("sf", storedToken);
    describes();
    instance()
      .get(`${api}/query`)
      .matchHeader("sforce-query-options", "batchSize=2000")
      .query({
        q:
          "SELECT Id, Status, LeadId, ContactId, SystemModstamp, Lead.Id, Lead.SystemModstamp, Lead.Phone, Lead.Company, " +
          "Contact.Id, Contact.SystemModstamp, Contact.Phone, Contact.Account.Name FROM CampaignMember " +
          `WHERE CampaignId = '${campaignId}' ORDER BY SystemModstamp, Id`,
      })
      .reply(200, fixture("query-campaign-members.json"))
      .get(`${api}/query`)
      .query({
        q:
          "SELECT Id, SystemModstamp, Phone, Company FROM Lead WHERE Id IN (SELECT LeadId FROM CampaignMember " +
          `WHERE CampaignId = '${campaignId}' AND ContactId = null AND ${statuses}) ` +
          "AND SystemModstamp >= 2024-05-01T11:55:00Z ORDER BY SystemModstamp, Id",
      })
      .reply(200, fixture("query-member-leads.json"))
      .get(`${api}/query`)
      .query({
        q:
          "SELECT Id, Status, LeadId, ContactId, SystemModstamp FROM CampaignMember " +
          `WHERE CampaignId = '${campaignId}' AND LeadId IN ('00QRO000001aAAAAA1', '00QRO000001aAAAAA4')`,
      })
      .reply(200, fixture("query-members-of-leads.json"))
      .get(`${api}/query`)
      .query({
        q:
          "SELECT Id, SystemModstamp, Phone, Account.Name FROM Contact WHERE Id IN (SELECT ContactId FROM CampaignMember " +
          `WHERE CampaignId = '${campaignId}' AND ${statuses}) AND SystemModstamp >= 2024-05-01T11:55:00Z ORDER BY SystemModstamp, Id`,
      })
      .reply(200, fixture("query-empty.json"))
      .get(`${api}/sobjects/CampaignMember/deleted`)
      .query({ start: "2024-05-01T11:55:00+00:00", end: "2024-05-01T12:00:00+00:00" })
      .reply(200, fixture("deleted-campaign-members.json"));

    const pages = await collect(
      h.connector().pull({ select, fields, cursor: undefined, sourceId: "members" }),
    );

    const since = { modstamp: "2024-05-01T11:55:00.000Z", id: "" };
    const base = {
      v: 1,
      kind: "campaign",
      select: selectFingerprint(select),
      campaignId,
      leads: since,
      contacts: since,
      deletedSince: "2024-05-01T11:55:00.000Z",
    };
    expect(pages).toHaveLength(3);
    expect(withoutRecent(pages[0])).toEqual({
      records: [
        {
          objectType: "Lead",
          id: "00QRO000001aAAAAA1",
          sourceRef: "00vRO000000mAAAAA1",
          membership: { id: "00vRO000000mAAAAA1", status: "Planned" },
          modifiedAt: "2024-05-01T10:00:00.000Z",
          fields: {
            Id: "00QRO000001aAAAAA1",
            SystemModstamp: "2024-05-01T10:00:00.000+0000",
            Phone: "(415) 555-0100",
            Company: "Acme",
          },
        },
        {
          // A converted lead's member: read as the Contact.
          objectType: "Contact",
          id: "003RO000002bAAAAA1",
          sourceRef: "00vRO000000mAAAAA2",
          membership: { id: "00vRO000000mAAAAA2", status: "Planned" },
          modifiedAt: "2024-05-01T09:30:00.000Z",
          fields: {
            Id: "003RO000002bAAAAA1",
            SystemModstamp: "2024-05-01T08:00:00.000+0000",
            Phone: "555-0199",
            "Account.Name": "Converted Co",
          },
        },
      ],
      // Status outside memberStatuses: it leaves the source.
      removedRefs: ["00vRO000000mAAAAA3"],
      cursor: { ...base, members: { modstamp: "2024-05-01T09:45:00.000Z", id: "00vRO000000mAAAAA3" } },
    });
    expect(withoutRecent(pages[1])).toEqual({
      records: [
        {
          objectType: "Lead",
          id: "00QRO000001aAAAAA1",
          sourceRef: "00vRO000000mAAAAA1",
          membership: { id: "00vRO000000mAAAAA1", status: "Planned" },
          modifiedAt: "2024-05-01T12:10:00.000Z",
          fields: {
            Id: "00QRO000001aAAAAA1",
            SystemModstamp: "2024-05-01T12:10:00.000+0000",
            Phone: "(415) 555-0111",
            Company: "Acme",
          },
        },
      ],
      removedRefs: [],
      cursor: {
        ...base,
        members: { modstamp: "2024-05-01T09:45:00.000Z", id: "00vRO000000mAAAAA3" },
        leads: { modstamp: "2024-05-01T12:20:00.000Z", id: "00QRO000001aAAAAA4" },
      },
    });
    expect(withoutRecent(pages[2])).toEqual({
      records: [],
      removedRefs: ["00vRO000000mAAAAA9"],
      cursor: { ...(withoutRecent(pages[1])?.cursor as object), deletedSince: "2024-05-01T12:00:00.000Z" },
    });
  });

  it("resumes each stream 5 minutes (pullLookbackMs) before its own position", async () => {
    await h.tokens.set("sf", storedToken);
    describes();
    const cursor = {
      v: 1,
      kind: "campaign",
      select: selectFingerprint(select),
      campaignId,
      members: { modstamp: "2024-05-01T09:45:00.000Z", id: "00vRO000000mAAAAA3" },
      leads: { modstamp: "2024-05-01T12:20:00.000Z", id: "00QRO000001aAAAAA4" },
      contacts: { modstamp: "2024-05-01T08:00:00.000Z", id: "003RO000002bAAAAA1" },
      deletedSince: "2024-05-01T11:59:30.000Z",
    };
    // Late commits carry earlier stamps: each stream re-reads the 5 minutes before its position.
    const since = (at: string) => `SystemModstamp >= ${at}`;
    instance()
      .get(`${api}/query`)
      .query({
        q:
          "SELECT Id, Status, LeadId, ContactId, SystemModstamp, Lead.Id, Lead.SystemModstamp, Lead.Phone, Lead.Company, " +
          "Contact.Id, Contact.SystemModstamp, Contact.Phone, Contact.Account.Name FROM CampaignMember " +
          `WHERE CampaignId = '${campaignId}' AND ${since("2024-05-01T09:40:00Z")} ORDER BY SystemModstamp, Id`,
      })
      .reply(200, fixture("query-empty.json"))
      .get(`${api}/query`)
      .query({
        q:
          "SELECT Id, SystemModstamp, Phone, Company FROM Lead WHERE Id IN (SELECT LeadId FROM CampaignMember " +
          `WHERE CampaignId = '${campaignId}' AND ContactId = null AND ${statuses}) ` +
          `AND ${since("2024-05-01T12:15:00Z")} ORDER BY SystemModstamp, Id`,
      })
      .reply(200, fixture("query-empty.json"))
      .get(`${api}/query`)
      .query({
        q:
          "SELECT Id, SystemModstamp, Phone, Account.Name FROM Contact WHERE Id IN (SELECT ContactId FROM CampaignMember " +
          `WHERE CampaignId = '${campaignId}' AND ${statuses}) AND ${since("2024-05-01T07:55:00Z")} ` +
          "ORDER BY SystemModstamp, Id",
      })
      .reply(200, fixture("query-empty.json"));
    // Deletions were checked 30 s ago: under a minute, Salesforce's granularity, so not asked again.

    const pages = await collect(h.connector().pull({ select, fields, cursor, sourceId: "members" }));
    expect(pages.map(withoutRecent)).toEqual([{ records: [], removedRefs: [], cursor }]);
  });

  it("re-reads every member when memberStatuses change, so the newly excluded leave", async () => {
    await h.tokens.set("sf", storedToken);
    describes();
    const cursor = {
      v: 1,
      kind: "campaign",
      select: selectFingerprint({ campaignId }),
      campaignId,
      members: { modstamp: "2024-05-01T09:45:00.000Z", id: "00vRO000000mAAAAA3" },
      leads: { modstamp: "2024-05-01T12:20:00.000Z", id: "00QRO000001aAAAAA4" },
      contacts: { modstamp: "2024-05-01T08:00:00.000Z", id: "003RO000002bAAAAA1" },
      deletedSince: "2024-05-01T11:59:30.000Z",
    };
    instance()
      .get(`${api}/query`)
      .query(
        (q) =>
          typeof q.q === "string" &&
          q.q.includes("FROM CampaignMember WHERE CampaignId") &&
          !q.q.includes("SystemModstamp >"),
      )
      .reply(200, fixture("query-campaign-members.json"))
      .get(`${api}/query`)
      .times(2)
      .query((q) => typeof q.q === "string" && q.q.includes("SystemModstamp >= 2024-05-01T11:55:00Z"))
      .reply(200, fixture("query-empty.json"));
    const pages = await collect(h.connector().pull({ select, fields, cursor, sourceId: "members" }));
    expect(pages[0]?.removedRefs).toEqual(["00vRO000000mAAAAA3"]);
    expect(pages.at(-1)?.cursor).toMatchObject({
      select: selectFingerprint(select),
      deletedSince: "2024-05-01T11:59:30.000Z",
    });
  });

  it("fails permanently, naming the source, on a mapped field neither Lead nor Contact has", async () => {
    await h.tokens.set("sf", storedToken);
    describes();
    const pull = h
      .connector()
      .pull({ select, fields: ["Phone", "Favourite_Colour__c"], cursor: undefined, sourceId: "members" });
    await expect(collect(pull)).rejects.toMatchObject({
      classification: { kind: "permanent" },
      message: expect.stringMatching(/source "members".*Favourite_Colour__c/),
    });
  });
});
