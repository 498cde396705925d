import { randomUUID } from "node:crypto";
import { type CrmSandbox, startSandbox } from "@telesync/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AttemptLog } from "../../src/compliance-gate/attempt-log.js";
import {
  hubspotOutcomes,
  sandboxConfig,
  sandboxDispositions,
  sandboxHubspot,
  sandboxMappings,
  sandboxSalesforce,
} from "../../src/demo/sandbox-config.js";
import { dropPrefix } from "../../src/runtime/drop-prefix.js";
import { LocalCluster } from "../../src/runtime/local-cluster.js";
import { TelesyncService } from "../../src/runtime/service.js";
import { createTelesync, type Telesync } from "../../src/runtime/telesync.js";
import { apiKey, eventually, outcomeBody, unscreened } from "../support/harness.js";

/**
 * CRC16-XMODEM (poly 0x1021, init 0) mod 16384 over the hash tag: the slot of a key as the Redis
 * Cluster specification defines it (cluster-spec, "Keys distribution model" and "Hash tags"),
 * computed here independently of Redis and of telesync.
 */
function slotOf(key: string): number {
  const open = key.indexOf("{");
  const close = open < 0 ? -1 : key.indexOf("}", open + 1);
  const hashed = close > open + 1 ? key.slice(open + 1, close) : key;
  let crc = 0;
  for (const byte of Buffer.from(hashed)) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc % 16384;
}

const salesforceCampaigns = ["east", "west"] as const;

describe("the whole loop on a 3-master Redis Cluster (redis-server --cluster-enabled, sandbox CRMs)", () => {
  let cluster: LocalCluster;
  let sandbox: CrmSandbox;
  let telesync: Telesync;
  let service: TelesyncService;
  const prefix = `t-${randomUUID().slice(0, 12)}`;
  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${service.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${apiKey}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  beforeAll(async () => {
    cluster = await LocalCluster.start(3);
    sandbox = await startSandbox({ port: 0 });
    const agentUserId = sandbox.salesforce.insert("User", {
      Username: "agent7@sandbox.example",
      LastName: "Seven",
    });
    sandbox.salesforce.seedLeads(12);
    sandbox.hubspot.seedContacts(6);
    const config = sandboxConfig({
      redis: { url: cluster.url, prefix, cluster: true },
      integrations: {
        sf: sandboxSalesforce(sandbox.url, {
          writeback: { agentUsers: { "agent-7": agentUserId } },
          dispositions: { ...sandboxDispositions.salesforce, connected: { value: "Connected" } },
        }),
        hs: sandboxHubspot(sandbox.hubspotBasePath, {
          dispositions: { connected: { value: hubspotOutcomes.connected } },
        }),
      },
      mappings: { lead: sandboxMappings.salesforceLead, contact: sandboxMappings.hubspotContact },
      // The same Salesforce leads in two campaigns: an opt-out must reach both.
      sources: [
        ...salesforceCampaigns.map((campaign) => ({
          id: `${campaign}_leads`,
          integration: "sf",
          campaign,
          mapping: "lead",
          select: { object: "Lead" },
        })),
        {
          id: "hs_all",
          integration: "hs",
          campaign: "hs_q4",
          mapping: "contact",
          select: { allContacts: true },
        },
      ],
      campaigns: {
        east: { compliance: unscreened },
        west: { compliance: unscreened },
        hs_q4: { compliance: unscreened },
      },
      apiKeys: [apiKey],
    });
    // The loop's plumbing at whatever hour the test runs: no calling-hours gate (the suppression
    // list is checked at every lease all the same).
    telesync = createTelesync({ config, compliance: false });
    for (const source of config.sources) await telesync.sync(source.id);
    service = await TelesyncService.start(telesync, {
      port: 0,
      schedule: false,
      writeback: { batchWindowMs: 50, lockDurationMs: 5_000, stalledIntervalMs: 1_000 },
    });
  }, 120_000);

  afterAll(async () => {
    await service?.close();
    await telesync?.close();
    await sandbox?.close();
    if (cluster) {
      await dropPrefix({ url: cluster.url, cluster: true }, prefix);
      await cluster.stop();
    }
  });

  it("syncs, leases, suppresses an opted-out number everywhere, and writes each outcome once", async () => {
    // Every key sits in the slot its hash tag gives, and the keys spread over more than one master.
    const byNode = await cluster.keysByNode(prefix);
    const all = [...byNode.values()].flat();
    expect(all.length).toBeGreaterThan(0);
    for (const key of all) expect(key.startsWith(`${prefix}:{`)).toBe(true);
    const mastersWithKeys = [...byNode.values()].filter((keys) => keys.length > 0).length;
    expect(mastersWithKeys).toBeGreaterThan(1);
    const slotsByPort = await Promise.all(
      cluster.ports.map((port) =>
        cluster.onNode(port, (redis) => redis.call("CLUSTER", "KEYSLOT", all[0] as string)),
      ),
    );
    expect(new Set(slotsByPort).size).toBe(1);
    for (const key of all.slice(0, 50)) {
      const slot = await cluster.onNode(cluster.ports[0] as number, (redis) =>
        redis.call("CLUSTER", "KEYSLOT", key),
      );
      expect(slot).toBe(slotOf(key));
    }
    // Each campaign's dial queue is one slot: the campaign's tag.
    for (const campaign of [...salesforceCampaigns, "hs_q4"]) {
      const queueKeys = all.filter((key) => key.includes(`:dial-${campaign}:`));
      expect(queueKeys.length).toBeGreaterThan(0);
      expect(new Set(queueKeys.map(slotOf))).toEqual(new Set([slotOf(`{c:${campaign}}`)]));
    }
    expect(slotOf("{c:east}")).not.toBe(slotOf("{c:west}"));

    // An agent's opt-out on one Salesforce lead suppresses its number in both campaigns.
    const [first] = await telesync.dialQueues.get("east").queue.getJobs(["waiting"], 0, 0);
    const optedOut = first?.data.lead;
    if (!optedOut) throw new Error("no queued lead");
    const consent = await call("POST", "/v1/consent", {
      phone: optedOut.phone,
      status: "opted_out",
      source: "agent",
    });
    expect(consent.status).toBeLessThan(300);

    // Lease every lead of every campaign and report each outcome twice (a retry after a lost answer).
    const leasedPhones = new Map<string, string[]>();
    const outcomeIds: Record<string, string[]> = { sf: [], hs: [] };
    for (const campaign of [...salesforceCampaigns, "hs_q4"]) {
      const phones: string[] = [];
      for (let n = 0; ; n++) {
        const leased = await call("POST", `/v1/campaigns/${campaign}/leases`);
        if (leased.status === 204) break;
        expect(leased.status).toBe(200);
        const { leaseId, lead } = (await leased.json()) as { leaseId: string; lead: { phone: string } };
        phones.push(lead.phone);
        const outcomeId = `${campaign}-${n}`;
        for (let attempt = 0; attempt < 2; attempt++) {
          const reported = await call("POST", `/v1/leases/${leaseId}/outcome`, outcomeBody(outcomeId));
          expect(reported.status).toBeLessThan(300);
        }
        outcomeIds[campaign === "hs_q4" ? "hs" : "sf"]?.push(outcomeId);
      }
      leasedPhones.set(campaign, phones);
    }
    for (const campaign of salesforceCampaigns) {
      // 12 leads, one opted out.
      expect(leasedPhones.get(campaign)).toHaveLength(11);
      expect(leasedPhones.get(campaign)).not.toContain(optedOut.phone);
    }
    expect(leasedPhones.get("hs_q4")).toHaveLength(6);

    // Exactly one CRM activity per outcome: 22 Tasks in Salesforce, 6 calls in HubSpot.
    const tasks = () =>
      sandbox.salesforce
        .all("Task")
        .filter((task) => typeof task.CallObject === "string" && task.CallObject !== "");
    await eventually(() => tasks().length >= 22, 60_000, "22 Tasks");
    await eventually(() => sandbox.hubspot.calls().length >= 6, 60_000, "6 HubSpot calls");
    // A late duplicate would show up after the first full count: wait for the queues to drain.
    await eventually(
      async () => (await service.intake.queue("sf").getJobCounts("wait", "active", "delayed")).wait === 0,
      30_000,
      "the writeback queue to drain",
    );
    expect(
      tasks()
        .map((task) => task.CallObject)
        .sort(),
    ).toEqual([...(outcomeIds.sf ?? [])].sort());
    expect(
      sandbox.hubspot
        .calls()
        .map((c) => c.properties.telesync_outcome_id)
        .sort(),
    ).toEqual([...(outcomeIds.hs ?? [])].sort());
    expect(await service.deadLetters.count()).toBe(0);

    // Counters counted each outcome once, though each was reported twice: the campaign's in its slot
    // (11 conversations, each live-answered), the attempts in theirs (each Salesforce number was
    // called once from each campaign: 2 attempts; the opted-out number none).
    for (const campaign of salesforceCampaigns) {
      const stats = (await (await call("GET", `/v1/campaigns/${campaign}/stats`)).json()) as {
        outcomesByDisposition: Record<string, number>;
        abandonment: { liveAnswered: number };
      };
      expect(stats.outcomesByDisposition.connected).toBe(11);
      expect(stats.abandonment.liveAnswered).toBe(11);
    }
    const attempts = new AttemptLog(telesync.redis, prefix, 86_400_000, telesync.keys.phones);
    const eastPhones = leasedPhones.get("east") ?? [];
    const counted = await attempts.read([...eastPhones, optedOut.phone], new Date());
    expect(counted.map((times) => times.length)).toEqual([...eastPhones.map(() => 2), 0]);
  }, 240_000);
});
