import { describe, expect, it } from "vitest";
import { selectFingerprint } from "../../../connectors/salesforce/cursor.js";
import { CrmError } from "../../../src/errors.js";
import { api, collect, fixture, instance, storedToken, useSalesforceHarness } from "./helpers.js";

const where = "Status = 'Open - Not Contacted'";
const select = { object: "Lead" as const, where };
const fields = ["Phone", "FirstName", "DoNotCall", "Owner.Email"];
const firstPage = `SELECT Id, SystemModstamp, Phone, FirstName, DoNotCall, Owner.Email FROM Lead WHERE (${where}) ORDER BY SystemModstamp, Id`;
const batch = { "sforce-query-options": "batchSize=2000" };

/** Every object pull allow-lists the object and its fields against describe first. */
const describedLead = () =>
  instance().get(`${api}/sobjects/Lead/describe`).reply(200, fixture("describe-lead.json"));

describe("Salesforce pull of an object source (nock, documented formats)", () => {
  const h = useSalesforceHarness();

  it("pages with queryMore, then reports deletions and leavers, with a resumable cursor after each page", async () => {
    await h.tokens.set("sf", storedToken);
    describedLead();
    instance()
      .get(`${api}/query`)
      .matchHeader("sforce-query-options", batch["sforce-query-options"])
      .query({ q: firstPage })
      .reply(200, fixture("query-leads-page1.json"))
      .get(`${api}/query/01gRO0000016PIAYA2-2000`)
      .matchHeader("sforce-query-options", batch["sforce-query-options"])
      .reply(200, fixture("query-leads-page2.json"))
      .get(`${api}/sobjects/Lead/deleted`)
      .query({ start: "2024-05-01T11:55:00+00:00", end: "2024-05-01T12:00:00+00:00" })
      .reply(200, fixture("deleted-leads.json"))
      .get(`${api}/query`)
      .query({ q: `SELECT Id FROM Lead WHERE SystemModstamp >= 2024-05-01T11:55:00Z AND (NOT (${where}))` })
      .reply(200, fixture("query-leavers.json"));

    const pages = await collect(
      h.connector().pull({ select, fields, cursor: undefined, sourceId: "open_leads" }),
    );

    const base = {
      v: 1,
      kind: "object",
      select: selectFingerprint(select),
      object: "Lead",
      deletedSince: "2024-05-01T11:55:00.000Z",
      leaversSince: "2024-05-01T11:55:00.000Z",
    };
    expect(pages).toHaveLength(5);
    expect(pages[0]).toEqual({
      records: [
        {
          objectType: "Lead",
          id: "00QRO000001aAAAAA1",
          sourceRef: "00QRO000001aAAAAA1",
          modifiedAt: "2024-05-01T10:00:00.000Z",
          fields: {
            Id: "00QRO000001aAAAAA1",
            SystemModstamp: "2024-05-01T10:00:00.000+0000",
            Phone: "(415) 555-0100",
            FirstName: "Ada",
            DoNotCall: false,
            "Owner.Email": "rep@acme.example",
          },
        },
        {
          objectType: "Lead",
          id: "00QRO000001aAAAAA2",
          sourceRef: "00QRO000001aAAAAA2",
          modifiedAt: "2024-05-01T10:05:00.000Z",
          // DoNotCall leads are returned: the core suppresses them.
          fields: expect.objectContaining({ DoNotCall: true, Owner: null }),
        },
      ],
      removedRefs: [],
      cursor: {
        ...base,
        records: { modstamp: "2024-05-01T10:05:00.000Z", id: "00QRO000001aAAAAA2" },
        // Handed out within pullLookbackMs (5 min) of the newest stamp: not handed out again.
        recent: {
          "2024-05-01T10:00:00.000Z": ["00QRO000001aAAAAA1"],
          "2024-05-01T10:05:00.000Z": ["00QRO000001aAAAAA2"],
        },
      },
      // The query's totalSize (REST query resource): a hint for progress, carried by record pages.
      expectedRecords: 3,
    });
    const afterRecords = {
      ...base,
      records: { modstamp: "2024-05-01T10:05:00.000Z", id: "00QRO000001aAAAAA3" },
      recent: {
        "2024-05-01T10:00:00.000Z": ["00QRO000001aAAAAA1"],
        "2024-05-01T10:05:00.000Z": ["00QRO000001aAAAAA2", "00QRO000001aAAAAA3"],
      },
    };
    expect(pages[1]?.records.map((r) => r.id)).toEqual(["00QRO000001aAAAAA3"]);
    expect(pages[1]?.cursor).toEqual(afterRecords);
    const afterDeleted = { ...afterRecords, deletedSince: "2024-05-01T12:00:00.000Z" };
    expect(pages[2]).toEqual({
      records: [],
      removedRefs: ["00QRO000001aAAAAA7", "00QRO000001aAAAAA8"],
      cursor: afterDeleted,
    });
    expect(pages[3]).toEqual({ records: [], removedRefs: ["00QRO000001aAAAAA9"], cursor: afterDeleted });
    expect(pages[4]).toEqual({ records: [], removedRefs: [], cursor: afterDeleted });
    expect(JSON.parse(JSON.stringify(pages[4]?.cursor))).toEqual(pages[4]?.cursor);
  });

  it("resumes 5 minutes (pullLookbackMs) before its cursor, hands out only what it has not handed out at the same stamp, and says so when deletions are older than Salesforce keeps", async () => {
    await h.tokens.set("sf", storedToken);
    describedLead();
    const cursor = {
      v: 1,
      kind: "object",
      select: selectFingerprint(select),
      object: "Lead",
      records: { modstamp: "2024-05-01T10:05:00.000Z", id: "00QRO000001aAAAAA2" },
      deletedSince: "2024-04-11T00:00:00.000Z",
      leaversSince: "2024-05-01T11:00:00.000Z",
      recent: { "2024-05-01T10:05:00.000Z": ["00QRO000001aAAAAA2"] },
    };
    instance()
      .get(`${api}/query`)
      .query({
        q:
          `SELECT Id, SystemModstamp, Phone, FirstName, DoNotCall, Owner.Email FROM Lead WHERE (${where}) AND ` +
          "SystemModstamp >= 2024-05-01T10:00:00Z ORDER BY SystemModstamp, Id",
      })
      // A1 (10:00) committed late: new to us. A2 was handed out at the same stamp already.
      .reply(200, fixture("query-leads-page1.json"))
      .get(`${api}/query/01gRO0000016PIAYA2-2000`)
      .reply(200, fixture("query-leads-page2.json"))
      // Clamped to the 15-day window Salesforce keeps.
      .get(`${api}/sobjects/Lead/deleted`)
      .query({ start: "2024-04-16T12:01:00+00:00", end: "2024-05-01T12:00:00+00:00" })
      .reply(200, fixture("deleted-leads.json"))
      .get(`${api}/query`)
      .query({ q: `SELECT Id FROM Lead WHERE SystemModstamp >= 2024-05-01T11:00:00Z AND (NOT (${where}))` })
      .reply(200, fixture("query-empty.json"));

    const pages = await collect(h.connector().pull({ select, fields, cursor, sourceId: "open_leads" }));

    expect(pages.map((p) => [p.records.map((r) => r.id), p.removedRefs])).toEqual([
      [["00QRO000001aAAAAA1"], []],
      [["00QRO000001aAAAAA3"], []],
      [[], ["00QRO000001aAAAAA7", "00QRO000001aAAAAA8"]],
      [[], []],
    ]);
    expect(pages.at(-1)?.cursor).toMatchObject({
      records: { modstamp: "2024-05-01T10:05:00.000Z", id: "00QRO000001aAAAAA3" },
      deletedSince: "2024-05-01T12:00:00.000Z",
      leaversSince: "2024-05-01T11:55:00.000Z",
    });
    const warning = h.logs.find((l) => l.level === "warn");
    expect(warning?.msg).toMatch(
      /deletions of Lead before .* no longer available .*full sync of source "open_leads"/,
    );
  });

  it("re-reads everything and checks every record against a changed where", async () => {
    await h.tokens.set("sf", storedToken);
    describedLead();
    const cursor = {
      v: 1,
      kind: "object",
      select: selectFingerprint({ object: "Lead", where: "Status = 'Old'" }),
      object: "Lead",
      records: { modstamp: "2024-05-01T10:05:00.000Z", id: "00QRO000001aAAAAA2" },
      deletedSince: "2024-05-01T11:30:00.000Z",
      leaversSince: "2024-05-01T11:00:00.000Z",
    };
    instance()
      .get(`${api}/query`)
      .query({ q: firstPage })
      .reply(200, fixture("query-empty.json"))
      .get(`${api}/sobjects/Lead/deleted`)
      .query({ start: "2024-05-01T11:30:00+00:00", end: "2024-05-01T12:00:00+00:00" })
      .reply(200, { ...(fixture("deleted-leads.json") as object), deletedRecords: [] })
      .get(`${api}/query`)
      .query({ q: `SELECT Id FROM Lead WHERE (NOT (${where}))` })
      .reply(200, fixture("query-leavers.json"));

    const pages = await collect(h.connector().pull({ select, fields, cursor, sourceId: "open_leads" }));
    expect(pages.flatMap((p) => p.removedRefs)).toEqual(["00QRO000001aAAAAA9"]);
    expect(pages.at(-1)?.cursor).toMatchObject({
      select: selectFingerprint(select),
      records: null,
      leaversSince: "2024-05-01T11:55:00.000Z",
    });
  });

  it("turns a where Salesforce rejects into a permanent error naming the source", async () => {
    await h.tokens.set("sf", storedToken);
    describedLead();
    instance().get(`${api}/query`).query(true).reply(400, fixture("error-malformed-query.json"));
    const pull = h.connector().pull({ select, fields, cursor: undefined, sourceId: "open_leads" });
    const error = await collect(pull).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CrmError);
    expect((error as CrmError).classification).toMatchObject({ kind: "permanent", code: "MALFORMED_QUERY" });
    expect((error as CrmError).message).toContain('source "open_leads"');
    expect((error as CrmError).message).toContain(where);
  });

  it("keeps the HTTP status of a failed query (jsforce drops it), so an unknown 400 is still permanent", async () => {
    await h.tokens.set("sf", storedToken);
    describedLead();
    instance()
      .get(`${api}/query`)
      .query(true)
      .reply(400, [{ message: "A brand new complaint", errorCode: "BRAND_NEW_CODE" }]);
    const connector = h.connector();
    const error = await collect(
      connector.pull({ select, fields, cursor: undefined, sourceId: "open_leads" }),
    ).catch((e: unknown) => e);
    expect(connector.classifyError(error)).toMatchObject({ kind: "permanent", code: "BRAND_NEW_CODE" });
  });

  it("skips the leaver check when every record matches (no where)", async () => {
    await h.tokens.set("sf", storedToken);
    describedLead();
    instance()
      .get(`${api}/query`)
      .query({ q: "SELECT Id, SystemModstamp, Phone FROM Lead ORDER BY SystemModstamp, Id" })
      .reply(200, fixture("query-empty.json"))
      .get(`${api}/sobjects/Lead/deleted`)
      .query(true)
      .reply(200, fixture("deleted-leads.json"));
    const pages = await collect(
      h
        .connector()
        .pull({ select: { object: "Lead" }, fields: ["Phone"], cursor: undefined, sourceId: "all_leads" }),
    );
    expect(pages.flatMap((p) => p.removedRefs)).toEqual(["00QRO000001aAAAAA7", "00QRO000001aAAAAA8"]);
  });

  it("refuses a cursor that is not its own, and fields outside the allow-list, before any request", async () => {
    await h.tokens.set("sf", storedToken);
    const campaignCursor = { v: 1, kind: "campaign", campaignId: "x" };
    await expect(
      collect(h.connector().pull({ select, fields, cursor: campaignCursor, sourceId: "open_leads" })),
    ).rejects.toMatchObject({ classification: { kind: "permanent" } });
    await expect(
      collect(
        h
          .connector()
          .pull({ select, fields: ["Phone FROM User --"], cursor: undefined, sourceId: "open_leads" }),
      ),
    ).rejects.toThrow(/rejected: "Phone FROM User --"/);
    expect(() => h.connector().validateSelect({ object: "Opportunity" })).toThrow(
      /invalid Salesforce select/,
    );
    expect(() => h.connector().validateSelect({ object: "Lead", accounts: "person" })).toThrow(
      /accounts .* applies to object: Account only/,
    );
    expect(() =>
      h.connector().validateSelect({ object: "Lead", where: "Status = 'Open') OR (Id != null" }),
    ).toThrow(/where has a '\)' without its '\('/);
  });

  it("allow-lists the object's fields against describe before any query: a field the object lacks fails for good, by name", async () => {
    await h.tokens.set("sf", storedToken);
    describedLead();
    const error = await collect(
      h.connector().pull({
        select,
        fields: ["Phone", "Shoe_Size__c", "Nope.Name"],
        cursor: undefined,
        sourceId: "open_leads",
      }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CrmError);
    expect((error as CrmError).classification.kind).toBe("permanent");
    expect((error as CrmError).message).toContain("Lead has no field Shoe_Size__c, Nope.Name");
  });
});
