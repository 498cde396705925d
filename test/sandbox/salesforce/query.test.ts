import type { QueryOptions } from "jsforce/lib/query.js";
import { describe, expect, it } from "vitest";
import { connect, dataPath, raw, sandboxServer } from "./helpers.js";

type Row = Record<string, unknown> & { Id: string };

describe("query over HTTP with jsforce", () => {
  it("pages with Sforce-Query-Options batchSize and an absolute nextRecordsUrl", async () => {
    const sandbox = await sandboxServer();
    const ids = sandbox.salesforce.seedLeads(650);
    const conn = connect(sandbox);
    const headers = { "Sforce-Query-Options": "batchSize=200" };
    const first = await conn.query<Row>("SELECT Id, Phone FROM Lead ORDER BY Id", { headers });
    expect(first.totalSize).toBe(650);
    expect(first.done).toBe(false);
    expect(first.records).toHaveLength(200);
    expect(first.nextRecordsUrl).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/services\/data\/v62\.0\/query\/01g\w+-200$/,
    );
    const seen = [...first.records];
    let next = first.nextRecordsUrl;
    while (next) {
      const page = await conn.queryMore<Row>(next, { headers } as Partial<QueryOptions> as QueryOptions);
      seen.push(...page.records);
      next = page.done ? undefined : page.nextRecordsUrl;
    }
    expect(seen.map((r) => r.Id)).toEqual(ids);
    expect(sandbox.salesforce.stats()).toMatchObject({ query: 1, queryMore: 3 });
  });

  it("clamps batchSize to 200..2000 and defaults to 2000", async () => {
    const sandbox = await sandboxServer();
    sandbox.salesforce.seedLeads(2100);
    const conn = connect(sandbox);
    const small = await conn.query("SELECT Id FROM Lead", {
      headers: { "Sforce-Query-Options": "batchSize=5" },
    });
    expect(small.records).toHaveLength(200);
    const big = await conn.query("SELECT Id FROM Lead");
    expect(big.records).toHaveLength(2000);
    const huge = await conn.query("SELECT Id FROM Lead", {
      headers: { "Sforce-Query-Options": "batchSize=9000" },
    });
    expect(huge.records).toHaveLength(2000);
  });

  it("keeps a locator's result set as of query time", async () => {
    const sandbox = await sandboxServer();
    const ids = sandbox.salesforce.seedLeads(300);
    const conn = connect(sandbox);
    const first = await conn.query<Row>("SELECT Id, LastName FROM Lead ORDER BY Id", {
      headers: { "Sforce-Query-Options": "batchSize=200" },
    });
    sandbox.salesforce.update("Lead", ids[250]!, { LastName: "Changed" });
    sandbox.salesforce.delete("Lead", ids[299]!);
    sandbox.salesforce.seedLeads(10);
    const rest = await conn.queryMore<Row>(first.nextRecordsUrl!);
    expect(rest.done).toBe(true);
    expect(rest.records).toHaveLength(100);
    expect(rest.records[50]!.LastName).not.toBe("Changed");
    expect(rest.records.at(-1)!.Id).toBe(ids[299]);
  });

  it("walks a SystemModstamp, Id cursor when 300 records share one SystemModstamp", async () => {
    const sandbox = await sandboxServer();
    const stamp = new Date("2026-11-28T04:03:57.123Z");
    sandbox.salesforce.setNow(stamp);
    const tied = sandbox.salesforce.seedLeads(300);
    sandbox.salesforce.setNow(new Date("2026-11-28T04:03:58Z"));
    const later = sandbox.salesforce.seedLeads(5);
    sandbox.salesforce.setNow(undefined);
    const conn = connect(sandbox);
    const seen: Row[] = [];
    let cursor: { stamp: string; id: string } | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const where = cursor
        ? `WHERE SystemModstamp > ${cursor.stamp} OR (SystemModstamp = ${cursor.stamp} AND Id > '${cursor.id}')`
        : "";
      const page = await conn.query<Row>(
        `SELECT Id, SystemModstamp FROM Lead ${where} ORDER BY SystemModstamp, Id LIMIT 120`,
      );
      if (page.records.length === 0) break;
      seen.push(...page.records);
      const last = page.records.at(-1)!;
      cursor = { stamp: String(last.SystemModstamp), id: last.Id };
    }
    expect(seen.map((r) => r.Id)).toEqual([...tied, ...later]);
    expect(seen[0]!.SystemModstamp).toBe("2026-11-28T04:03:57.123+0000");
  });

  it("orders by several fields in both directions", async () => {
    const sandbox = await sandboxServer();
    const sf = sandbox.salesforce;
    const a = sf.insert("Lead", { LastName: "b", Company: "X", City: null });
    const b = sf.insert("Lead", { LastName: "A", Company: "X", City: "Zurich" });
    const c = sf.insert("Lead", { LastName: "a", Company: "Y", City: "Austin" });
    const rows = (q: string) => sf.query(q).records.map((r) => r.Id);
    expect(rows("SELECT Id FROM Lead ORDER BY Company DESC, LastName ASC, Id DESC")).toEqual([c, b, a]);
    expect(rows("SELECT Id FROM Lead ORDER BY City")).toEqual([a, c, b]);
    expect(rows("SELECT Id FROM Lead ORDER BY City DESC")).toEqual([b, c, a]);
    expect(rows("SELECT Id FROM Lead ORDER BY City ASC NULLS LAST")).toEqual([c, b, a]);
  });

  it("answers a semi-join on campaign membership with nested relationship fields", async () => {
    const sandbox = await sandboxServer();
    const sf = sandbox.salesforce;
    const members = sf.seedLeads(3, { campaignId: "Spring calls" });
    sf.seedLeads(2);
    const campaignId = sf.createCampaign("Spring calls");
    const conn = connect(sandbox);
    const leads = await conn.query<Row>(
      `SELECT Id FROM Lead WHERE Id IN (SELECT LeadId FROM CampaignMember WHERE CampaignId = '${campaignId}') ORDER BY Id`,
    );
    expect(leads.records.map((r) => r.Id)).toEqual(members);

    const contact = sf.insert("Contact", { FirstName: "Ada", LastName: "Lovelace", Phone: "(415) 555-0100" });
    sf.addCampaignMember(campaignId, contact);
    const rows = await conn.query<Row>(
      `SELECT Id, Status, Lead.Phone, Lead.FirstName, Contact.FirstName, Campaign.Name FROM CampaignMember WHERE CampaignId = '${campaignId}' ORDER BY Id`,
    );
    expect(rows.totalSize).toBe(4);
    const [first] = rows.records;
    expect(Object.keys(first!)).toEqual(["attributes", "Id", "Status", "Lead", "Contact", "Campaign"]);
    expect(first!.Lead).toEqual({
      attributes: { type: "Lead", url: `/services/data/v62.0/sobjects/Lead/${members[0]}` },
      Phone: sf.get("Lead", members[0]!)!.Phone,
      FirstName: sf.get("Lead", members[0]!)!.FirstName,
    });
    expect(first!.Contact).toBeNull();
    expect(first!.Campaign).toMatchObject({ Name: "Spring calls" });
    expect(rows.records[3]!.Lead).toBeNull();
    expect(rows.records[3]!.Contact).toMatchObject({ FirstName: "Ada" });
  });

  it("decodes escaped string literals and LIKE patterns", async () => {
    const sandbox = await sandboxServer();
    const sf = sandbox.salesforce;
    const obrien = sf.insert("Lead", { LastName: "O'Brien", Company: "Back\\slash & Co" });
    sf.insert("Lead", { LastName: "OBrien", Company: "100% Solar" });
    const pct = sf.all("Lead")[1]!.Id;
    const conn = connect(sandbox);
    const byQuote = await conn.query<Row>("SELECT Id FROM Lead WHERE LastName = 'o\\'brien'");
    expect(byQuote.records.map((r) => r.Id)).toEqual([obrien]);
    const bySlash = await conn.query<Row>("SELECT Id FROM Lead WHERE Company = 'Back\\\\slash & Co'");
    expect(bySlash.records.map((r) => r.Id)).toEqual([obrien]);
    const like = await conn.query<Row>("SELECT Id FROM Lead WHERE Company LIKE '100\\% %'");
    expect(like.records.map((r) => r.Id)).toEqual([pct]);
    const bad = await raw(
      sandbox,
      dataPath(`/query?q=${encodeURIComponent("SELECT Id FROM Lead WHERE LastName = 'a\\qb'")}`),
    );
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual([expect.objectContaining({ errorCode: "MALFORMED_QUERY" })]);
  });

  it("counts with COUNT()", async () => {
    const sandbox = await sandboxServer();
    sandbox.salesforce.seedLeads(42, { doNotCallRate: 0.5, seed: 7 });
    const conn = connect(sandbox);
    const all = await conn.query("SELECT COUNT() FROM Lead");
    expect(all).toMatchObject({ totalSize: 42, done: true, records: [] });
    const dnc = sandbox.salesforce.all("Lead").filter((l) => l.DoNotCall).length;
    const filtered = await conn.query("SELECT COUNT() FROM Lead WHERE DoNotCall = true");
    expect(filtered.totalSize).toBe(dnc);
  });

  it("answers unknown fields, objects and syntax errors like Salesforce", async () => {
    const sandbox = await sandboxServer();
    const get = (q: string) => raw(sandbox, dataPath(`/query?q=${encodeURIComponent(q)}`));
    const field = await get("SELECT Id, Foo FROM Lead");
    expect(field.status).toBe(400);
    expect(field.body).toEqual([
      {
        errorCode: "INVALID_FIELD",
        message: expect.stringContaining("No such column 'Foo' on entity 'Lead'"),
      },
    ]);
    const relation = await get("SELECT Lead.Nope FROM CampaignMember");
    expect(relation.body).toEqual([expect.objectContaining({ errorCode: "INVALID_FIELD" })]);
    const object = await get("SELECT Id FROM Opportunityz");
    expect(object.status).toBe(400);
    expect(object.body).toEqual([expect.objectContaining({ errorCode: "INVALID_TYPE" })]);
    const syntax = await get("SELEC Id FROM Lead");
    expect(syntax.status).toBe(400);
    expect(syntax.body).toEqual([expect.objectContaining({ errorCode: "MALFORMED_QUERY" })]);
    const mixed = await get("SELECT Id FROM Lead WHERE IsDeleted = false AND City = 'a' OR City = 'b'");
    expect(mixed.body).toEqual([expect.objectContaining({ errorCode: "MALFORMED_QUERY" })]);
    expect(field.headers.get("sforce-limit-info")).toMatch(/^api-usage=\d+\/100000$/);
  });

  it("accepts a form-encoded q with + for spaces", async () => {
    const sandbox = await sandboxServer();
    sandbox.salesforce.seedLeads(2);
    const res = await raw(sandbox, dataPath("/query?q=SELECT+Id+FROM+Lead+WHERE+IsDeleted+%3D+false"));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ totalSize: 2, done: true });
  });

  it("rejects an unknown or expired query locator", async () => {
    const sandbox = await sandboxServer();
    const res = await raw(sandbox, dataPath("/query/01g8d0000000000AAA-200"));
    expect(res.status).toBe(400);
    expect(res.body).toEqual([{ errorCode: "INVALID_QUERY_LOCATOR", message: "invalid query locator" }]);
  });
});
