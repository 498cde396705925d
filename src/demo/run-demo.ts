import { Redis } from "ioredis";
import { maskPhone } from "../observability/mask.js";
import { ensureLocalRedis } from "../runtime/local-redis.js";
import { createTelesync } from "../runtime/telesync.js";
import { startSandbox } from "../sandbox/server.js";
import type { SyncReport } from "../sync/run-sync.js";
import { demoConfig } from "./demo-config.js";

const campaignId = "701DEMO00000001AAA";

async function dropPrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}

function summary(label: string, r: SyncReport): string {
  return `${label.padEnd(28)} pages ${r.pages}  records ${r.records}  added ${r.added}  updated ${r.updated}  removed ${r.removed}  skipped ${r.skipped}  do-not-call ${r.suppressed}`;
}

/** `telesync demo`: the loop on the built-in CRM sandbox and a local Redis, printed step by step. */
export async function runDemo(options: { leads: number; print: (line: string) => void }): Promise<void> {
  const { print } = options;
  const redis = await ensureLocalRedis();
  const sandbox = await startSandbox({ port: 0 });
  const config = demoConfig({ sandboxUrl: sandbox.url, redisUrl: redis.url, campaignId });
  await dropPrefix(redis.url, config.redis.prefix);
  const telesync = createTelesync({ config });
  try {
    print(`CRM sandbox (Salesforce REST) at ${sandbox.url}; Redis at ${redis.url}`);
    const sf = sandbox.salesforce;
    const ids = sf.seedLeads(options.leads, { campaignId });
    const noPhone = sf.insert("Lead", {
      LastName: "Nophone",
      Company: "Demo Co",
      Status: "Open - Not Contacted",
    });
    const badPhone = sf.insert("Lead", { LastName: "Badphone", Company: "Demo Co", Phone: "555-01" });
    sf.addCampaignMember(campaignId, noPhone);
    sf.addCampaignMember(campaignId, badPhone);
    print(`seeded ${ids.length + 2} Leads as members of Campaign ${campaignId} (2 without a callable phone)`);

    const first = await telesync.sync("q4_campaign");
    print(summary("1. first sync", first));
    for (const p of first.problems.slice(0, 2)) print(`   skipped ${p.crmId}: ${p.problems.join("; ")}`);

    for (const id of ids.slice(0, 25)) sf.update("Lead", id, { Title: "VP Sales", FirstName: "Edited" });
    for (const id of ids.slice(25, 30)) sf.update("Lead", id, { DoNotCall: true });
    for (const id of ids.slice(30, 35)) sf.delete("Lead", id);
    const again = await telesync.sync("q4_campaign");
    print(summary("2. after 25 edits, 5 DNC, 5 deletes", again));

    const queue = telesync.dialQueue("q4_outbound").queue;
    const counts = await queue.getJobCounts("waiting", "delayed", "active", "prioritized");
    print(`queue dial-q4_outbound: ${JSON.stringify(counts)}`);
    for (const job of await queue.getJobs(["waiting"], 0, 2)) {
      const lead = job.data.lead;
      print(
        `   ${lead.key}  ${maskPhone(lead.phone)}  ${lead.firstName ?? ""} ${lead.lastName ?? ""} (${lead.company ?? ""})`,
      );
    }
  } finally {
    await telesync.close();
    await sandbox.close();
    redis.stop();
  }
}
