import { describe, expect, it } from "vitest";
import { connect, dataPath, raw, sandboxServer } from "./helpers.js";

type Row = { Id: string; IsDeleted: boolean };

describe("deletions", () => {
  it("soft-deletes a lead with its campaign members: queryAll sees them, query does not", async () => {
    const sandbox = await sandboxServer();
    const sf = sandbox.salesforce;
    sf.setNow(new Date("2026-05-10T12:00:30Z"));
    const [keep, gone] = sf.seedLeads(2, { campaignId: "Calls" });
    sf.setNow(new Date("2026-05-10T12:01:15Z"));
    sf.delete("Lead", gone!);
    const conn = connect(sandbox);
    const live = await conn.query<Row>("SELECT Id, IsDeleted FROM Lead");
    expect(live.records.map((r) => r.Id)).toEqual([keep]);
    const all = await conn.query<Row>("SELECT Id, IsDeleted FROM Lead", { scanAll: true });
    expect(all.records.map((r) => [r.Id, r.IsDeleted])).toEqual([
      [keep, false],
      [gone, true],
    ]);
    const members = await conn.query<Row>(
      "SELECT Id, LeadId, IsDeleted FROM CampaignMember WHERE IsDeleted = true",
      {
        scanAll: true,
      },
    );
    expect(members.records).toHaveLength(1);
    expect(sf.stats()).toMatchObject({ query: 1, queryAll: 2 });

    sf.setNow(new Date("2026-05-10T12:05:00Z"));
    const deleted = await conn.sobject("Lead").deleted("2026-05-10T12:00:00Z", "2026-05-10T12:04:59Z");
    expect(deleted).toEqual({
      deletedRecords: [{ id: gone, deletedDate: "2026-05-10T12:01:15.000+0000" }],
      earliestDateAvailable: expect.stringMatching(/\+0000$/),
      latestDateCovered: "2026-05-10T12:04:00.000+0000",
    });
    const memberDeletions = await conn
      .sobject("CampaignMember")
      .deleted("2026-05-10T12:00:00Z", "2026-05-10T12:04:00Z");
    expect(memberDeletions.deletedRecords).toHaveLength(1);
  });

  it("ignores seconds: a deletion in the current minute shows up once the minute is over", async () => {
    const sandbox = await sandboxServer();
    const sf = sandbox.salesforce;
    sf.setNow(new Date("2026-05-10T12:00:40Z"));
    const [lead] = sf.seedLeads(1);
    sf.delete("Lead", lead!);
    const conn = connect(sandbox);
    const now = await conn.sobject("Lead").deleted("2026-05-10T11:59:00Z", "2026-05-10T12:00:50Z");
    expect(now.deletedRecords).toEqual([]);
    expect(now.latestDateCovered).toBe("2026-05-10T12:00:00.000+0000");
    sf.setNow(new Date("2026-05-10T12:01:00Z"));
    const later = await conn.sobject("Lead").deleted(now.latestDateCovered, "2026-05-10T12:01:00Z");
    expect(later.deletedRecords.map((d) => d.id)).toEqual([lead]);
  });

  it("refuses a start more than 15 days back with INVALID_REPLICATION_DATE", async () => {
    const sandbox = await sandboxServer();
    const start = new Date(Date.now() - 16 * 24 * 3600_000).toISOString();
    const end = new Date().toISOString();
    const res = await raw(sandbox, dataPath(`/sobjects/Lead/deleted/?start=${start}&end=${end}`));
    expect(res.status).toBe(400);
    expect(res.body).toEqual([expect.objectContaining({ errorCode: "INVALID_REPLICATION_DATE" })]);
    const unknown = await raw(sandbox, dataPath(`/sobjects/Nope/deleted/?start=${end}&end=${end}`));
    expect(unknown.status).toBe(404);
  });

  it("removeCampaignMember deletes only the membership", async () => {
    const sandbox = await sandboxServer();
    const sf = sandbox.salesforce;
    const campaign = sf.createCampaign("Calls");
    const [lead] = sf.seedLeads(1);
    const member = sf.addCampaignMember(campaign, lead!);
    expect(() => sf.addCampaignMember(campaign, lead!)).toThrow(/Already a campaign member/);
    sf.removeCampaignMember(member);
    expect(sf.all("CampaignMember")).toEqual([]);
    expect(sf.get("CampaignMember", member)).toMatchObject({ IsDeleted: true });
    expect(sf.all("Lead")).toHaveLength(1);
    expect(sf.addCampaignMember(campaign, lead!)).not.toBe(member);
  });
});
