import { type CrmSandbox, startSandbox } from "@telesync/sandbox";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { TelesyncConfig } from "../../src/config/schema.js";
import { sandboxConfig, sandboxMappings, sandboxSalesforce } from "../../src/demo/sandbox-config.js";
import { createTelesync, type Telesync } from "../../src/runtime/telesync.js";
import { unscreened } from "../support/harness.js";
import { dropPrefix, redisUrl, uniquePrefix } from "../support/redis.js";

const campaignId = "701TEST00000001AAA";

function config(sandboxUrl: string, prefix: string): TelesyncConfig {
  return sandboxConfig({
    redis: { url: redisUrl(), prefix },
    integrations: { sf: sandboxSalesforce(sandboxUrl) },
    mappings: { lead: sandboxMappings.salesforceLead },
    sources: [
      { id: "members", integration: "sf", campaign: "q4", mapping: "lead", select: { campaignId } },
      { id: "open_leads", integration: "sf", campaign: "q4", mapping: "lead", select: { object: "Lead" } },
    ],
    campaigns: { q4: { compliance: unscreened } },
  });
}

describe("Salesforce → campaign queue (sandbox, real jsforce, real Redis)", () => {
  let sandbox: CrmSandbox;
  let telesync: Telesync;
  let prefix: string;

  beforeEach(async () => {
    sandbox = await startSandbox({ port: 0 });
    prefix = uniquePrefix();
    telesync = createTelesync({ config: config(sandbox.url, prefix) });
  });

  afterEach(async () => {
    await telesync.close();
    await sandbox.close();
    await dropPrefix(prefix);
  });

  async function queued(): Promise<Map<string, { firstName?: string | undefined }>> {
    const jobs = await telesync.dialQueues
      .get("q4")
      .queue.getJobs(["waiting", "delayed", "prioritized"], 0, -1);
    return new Map(jobs.map((job) => [job.id as string, job.data.lead]));
  }

  it("syncs 5,000 campaign members exactly once, then applies edits, deletes and removals", async () => {
    const sf = sandbox.salesforce;
    // One clock for the CRM and telesync, advanced between steps as real syncs are minutes apart
    // (Salesforce's getDeleted works in whole minutes).
    let clock = Date.parse("2026-11-02T09:00:00.000Z");
    const advance = (minutes: number) => {
      clock += minutes * 60_000;
      sf.setNow(new Date(clock));
    };
    await telesync.close();
    telesync = createTelesync({ config: config(sandbox.url, prefix), now: () => new Date(clock) });
    advance(0);
    const ids = sf.seedLeads(5_000, { campaignId });
    advance(5);
    const first = await telesync.sync("members");
    expect(first).toMatchObject({ added: 5_000, updated: 0, removed: 0, skipped: 0 });
    expect(first.pages).toBeGreaterThanOrEqual(3);
    let jobs = await queued();
    expect(jobs.size).toBe(5_000);
    expect(jobs.has(`sf/Lead/${ids[0]}`)).toBe(true);

    const again = await telesync.sync("members");
    expect(again).toMatchObject({ added: 0, updated: 0, removed: 0 });
    expect((await queued()).size).toBe(5_000);

    advance(5);
    const edited = ids.slice(100, 200);
    for (const id of edited) sf.update("Lead", id, { FirstName: "Edited" });
    advance(5);
    const afterEdit = await telesync.sync("members");
    expect(afterEdit).toMatchObject({ added: 0, updated: 100, removed: 0 });
    jobs = await queued();
    expect([...jobs.values()].filter((lead) => lead.firstName === "Edited")).toHaveLength(100);
    expect(jobs.get(`sf/Lead/${edited[0]}`)?.firstName).toBe("Edited");

    for (const id of ids.slice(1_000, 1_010)) sf.delete("Lead", id);
    const leaving = ids.slice(2_000, 2_010);
    const members = sf.query(`SELECT Id, LeadId FROM CampaignMember WHERE CampaignId = '${campaignId}'`)
      .records as Array<{ Id: string; LeadId: string }>;
    for (const member of members.filter((m) => leaving.includes(m.LeadId)))
      sf.removeCampaignMember(member.Id);
    advance(5);
    const afterRemoval = await telesync.sync("members");
    expect(afterRemoval).toMatchObject({ added: 0, removed: 20 });
    jobs = await queued();
    expect(jobs.size).toBe(4_980);
    for (const id of [...ids.slice(1_000, 1_010), ...leaving]) expect(jobs.has(`sf/Lead/${id}`)).toBe(false);
  });

  it("loses and repeats nothing when 300 leads share one SystemModstamp across a page boundary", async () => {
    const sf = sandbox.salesforce;
    const base = Date.parse("2026-11-01T09:00:00.000Z");
    const ids: string[] = [];
    for (let i = 0; i < 1_900; i++) {
      sf.setNow(new Date(base + i * 1_000));
      ids.push(...sf.seedLeads(1));
    }
    sf.setNow(new Date(base + 3_600_000));
    ids.push(...sf.seedLeads(300));
    sf.setNow(undefined);
    const report = await telesync.sync("open_leads");
    expect(report.records).toBe(2_200);
    expect(report.added).toBe(2_200);
    // 2,000 per page: the first page ends inside the group of 300 ties.
    expect(report.pages).toBeGreaterThanOrEqual(2);
    const jobs = await queued();
    expect(jobs.size).toBe(2_200);
    for (const id of ids) expect(jobs.has(`sf/Lead/${id}`)).toBe(true);
    const next = await telesync.sync("open_leads");
    expect(next).toMatchObject({ records: 0, added: 0 });
  });

  it("resumes an interrupted sync from its checkpoint", async () => {
    sandbox.salesforce.seedLeads(6_000);
    const abort = new AbortController();
    await expect(
      telesync.sync("open_leads", {
        signal: abort.signal,
        onPage: (run) => {
          if (run.pages === 1) abort.abort();
        },
      }),
    ).rejects.toThrow();
    expect((await queued()).size).toBe(2_000);
    const resumed = await telesync.sync("open_leads");
    expect(resumed.records).toBe(4_000);
    expect(resumed.added).toBe(4_000);
    expect((await queued()).size).toBe(6_000);
  });

  it("skips records without a usable phone, counts them, and keeps the page flowing", async () => {
    const sf = sandbox.salesforce;
    sf.seedLeads(50);
    sf.insert("Lead", { LastName: "Nophone", Company: "X" });
    sf.insert("Lead", { LastName: "Badphone", Company: "X", Phone: "555-01" });
    const report = await telesync.sync("open_leads");
    expect(report).toMatchObject({ added: 50, skipped: 2 });
    expect(report.problems.map((p) => p.problems.join())).toEqual(
      expect.arrayContaining([expect.stringContaining("Phone is empty"), expect.stringMatching(/^Phone: /)]),
    );
  });

  it("takes a lead the CRM marks DoNotCall out of the queue", async () => {
    const sf = sandbox.salesforce;
    const [id] = sf.seedLeads(10);
    await telesync.sync("open_leads");
    sf.update("Lead", id as string, { DoNotCall: true });
    const report = await telesync.sync("open_leads");
    expect(report).toMatchObject({ suppressed: 1, removed: 1 });
    expect((await queued()).has(`sf/Lead/${id}`)).toBe(false);
  });

  it("a dry run writes nothing", async () => {
    sandbox.salesforce.seedLeads(30);
    const seen: string[] = [];
    const report = await telesync.sync("open_leads", {
      dryRun: true,
      onRecord: (r) => {
        if ("lead" in r) seen.push(r.lead.key);
      },
    });
    expect(seen).toHaveLength(30);
    expect(report.records).toBe(30);
    expect((await queued()).size).toBe(0);
    expect(await telesync.syncState("open_leads").readCursor()).toBeUndefined();
  });
});
