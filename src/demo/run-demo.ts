import { randomUUID } from "node:crypto";
import { DateTime } from "luxon";
import { maskPhone } from "../observability/mask.js";
import { dropPrefix } from "../runtime/drop-prefix.js";
import { ensureLocalRedis } from "../runtime/local-redis.js";
import { assertRedisReachable } from "../runtime/redis-preflight.js";
import { TelesyncService } from "../runtime/service.js";
import { createTelesync, type Telesync } from "../runtime/telesync.js";
import type { SyncReport } from "../sync/run-sync.js";
import { demoConfig, hubspotOutcomes } from "./demo-config.js";
import { showInboundDay } from "./inbound-day.js";
import { loadSandbox, type SandboxModule } from "./load-sandbox.js";
import { simulateAgents } from "./simulate-agents.js";

const campaignId = "701DEMO00000001AAA";

function summary(label: string, r: SyncReport): string {
  return `  ${label.padEnd(34)} pages ${r.pages}  records ${r.records}  queued ${r.added}  updated ${r.updated}  removed ${r.removed}  skipped ${r.skipped}  do-not-call ${r.suppressed}  held ${r.held}  blocked ${r.blocked}`;
}

/**
 * The demo's default instant: the next Wednesday 15:00 in New York after `from`, when every US zone
 * (Hawaii too) may be called, so the demo gives the same result whatever the hour it is run at.
 */
export function nextCallingAfternoon(from: Date): DateTime {
  let at = DateTime.fromJSDate(from, { zone: "America/New_York" }).set({
    hour: 15,
    minute: 0,
    second: 0,
    millisecond: 0,
  });
  while (at.toMillis() <= from.getTime() || at.weekday !== 3) at = at.plus({ days: 1 });
  return at;
}

function countBy<T>(items: T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

async function writebackIdle(service: TelesyncService, telesync: Telesync): Promise<void> {
  for (let i = 0; i < 600; i++) {
    let busy = 0;
    for (const integration of Object.keys(telesync.config.integrations)) {
      const counts = await service.intake.queue(integration).getJobCounts("waiting", "active", "delayed");
      busy += (counts.waiting ?? 0) + (counts.active ?? 0) + (counts.delayed ?? 0);
    }
    if (busy === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `telesync demo`: the whole loop on the built-in CRM sandbox and a local Redis, printed step by step. */
export async function runDemo(options: {
  leads: number;
  print: (line: string) => void;
  /** The demo's clock (telesync's "now" for the whole run); default `nextCallingAfternoon`. */
  at?: Date;
  /** A running sandbox to use (its owner closes it, and can read what reached it); default a new one. */
  sandbox?: Awaited<ReturnType<SandboxModule["startSandbox"]>>;
  /** A Redis and key prefix to use; default REDIS_URL or a throwaway redis-server, `{telesync-demo}`. */
  redis?: { url: string; prefix: string };
}): Promise<void> {
  const { print } = options;
  const redis = options.redis ? { url: options.redis.url, stop() {} } : await ensureLocalRedis();
  await assertRedisReachable(redis.url, { source: "REDIS_URL" });
  const sandbox = options.sandbox ?? (await (await loadSandbox()).startSandbox({ port: 0 }));
  const apiKey = randomUUID();
  const config = demoConfig({
    sandboxUrl: sandbox.url,
    hubspotBasePath: sandbox.hubspotBasePath,
    redisUrl: redis.url,
    campaignId,
    apiKey,
    ...(options.redis ? { redisPrefix: options.redis.prefix } : {}),
  });
  await dropPrefix(redis.url, config.redis.prefix);
  // The demo's clock runs from a chosen instant (default: a Wednesday afternoon in New York), so the
  // compliance gate decides the same at whatever hour the demo is run.
  const at = options.at ? DateTime.fromJSDate(options.at) : nextCallingAfternoon(new Date());
  const clockOffsetMs = at.toMillis() - Date.now();
  const telesync = createTelesync({ config, now: () => new Date(Date.now() + clockOffsetMs) });
  let service: TelesyncService | undefined;
  try {
    print(`CRM sandbox: Salesforce REST at ${sandbox.url}, HubSpot CRM v3 at ${sandbox.hubspotBasePath}`);
    print(`Redis: ${redis.url}${redis.process ? " (started for this demo)" : ""}`);
    print(
      `Demo clock: ${at.setZone("America/New_York").toFormat("ccc d LLL yyyy HH:mm")} New York (${at.toUTC().toISO()}; choose another with --at)\n`,
    );
    const sf = sandbox.salesforce;
    // The org lives on the demo clock too (as a real org lives on real time); its data is older than
    // the sync that reads it.
    sf.setClockOffset(clockOffsetMs);
    sf.setNow(new Date(at.toMillis() - 3_600_000));
    const leadIds = sf.seedLeads(options.leads, { campaignId });
    const donorIds = sf.seedDonors(Math.ceil(options.leads / 4));
    sf.seedDonors(Math.ceil(options.leads / 20), { stage: "Lapsed" });
    sf.addCampaignMember(campaignId, sf.insert("Lead", { LastName: "Nophone", Company: "Demo Co" }));
    sf.addCampaignMember(
      campaignId,
      sf.insert("Lead", { LastName: "Badphone", Company: "Demo Co", Phone: "555-01" }),
    );
    sf.setNow(undefined);
    sandbox.hubspot.seedContacts(Math.ceil(options.leads / 2));
    const nonprofits = Math.ceil(options.leads / 20);
    // The last few are retail: outside the company source's industry filter.
    const companyIds = sandbox.hubspot.seedCompanies(nonprofits + Math.ceil(options.leads / 100), {
      properties: (i) => (i < nonprofits ? {} : { industry: "RETAIL" }),
    });
    print(
      `1. Seeded ${leadIds.length + 2} Salesforce Leads in Campaign ${campaignId} (2 without a callable phone)`,
    );
    print(
      `   ${donorIds.length} active donors in the custom object Donor__c (and a few lapsed ones, in no source),`,
    );
    print(
      `   ${Math.ceil(options.leads / 2)} HubSpot contacts, and ${companyIds.length} HubSpot companies (${nonprofits} non-profits; the retail ones are in no source).\n`,
    );

    print("2. Sync (incremental, page by page, checkpointed):");
    print(summary("Salesforce Campaign members", await telesync.sync("sf_campaign")));
    print(summary("Salesforce Donor__c (custom object)", await telesync.sync("sf_donors")));
    print(summary("HubSpot contacts", await telesync.sync("hs_contacts")));
    print(summary("HubSpot companies (non-profit)", await telesync.sync("hs_companies")));
    for (const id of leadIds.slice(0, 20)) sf.update("Lead", id, { Title: "VP Sales" });
    for (const id of leadIds.slice(20, 23)) sf.update("Lead", id, { DoNotCall: true });
    print(summary("again after 20 edits, 3 DoNotCall", await telesync.sync("sf_campaign")));

    print(
      "   Compliance gate: leads outside their calling window (08:00-21:00 local, stricter state hours) are held as delayed jobs.",
    );

    service = await TelesyncService.start(telesync, {
      port: 0,
      schedule: false,
      writeback: { batchWindowMs: 500 },
    });
    print(`\n3. Dialer API at ${service.url}; 12 simulated agents lease leads and report calls over HTTP`);
    print("   (held leads are released by the gate as their windows open on the demo clock):");
    const optOut = (
      await telesync.dialQueues.get("q4_outbound").queue.getJobs(["waiting", "delayed"], 40, 40)
    )[0]?.data.lead;
    await showInboundDay({
      url: service.url as string,
      apiKey,
      campaign: "q4_outbound",
      print,
      eventStart: (id) => {
        const start = sf.get("Event", id)?.StartDateTime;
        return start === undefined ? undefined : new Date(Date.parse(String(start))).toISOString();
      },
    });
    const agentRun = await simulateAgents({
      url: service.url as string,
      apiKey,
      campaigns: ["q4_outbound", "donor_drive", "hs_outbound", "hs_nonprofit"],
      agents: 12,
      callsPerCampaign: Math.min(300, options.leads),
    });
    print(
      `   ${agentRun.leases} leases, ${agentRun.outcomes} outcomes (${[...agentRun.byDisposition].map(([d, n]) => `${d} ${n}`).join(", ")})`,
    );
    print(`   leases by campaign: ${[...agentRun.byCampaign].map(([c, n]) => `${c} ${n}`).join(", ")}`);
    print(
      `   one agent heard "stop calling me": consent revoked in the outcome of ${maskPhone(agentRun.revokedPhone ?? "")}`,
    );
    if (optOut) {
      const response = await fetch(`${service.url}/v1/consent`, {
        method: "POST",
        headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
        body: JSON.stringify({ phone: optOut.phone, status: "opted_out", source: "inbound" }),
      });
      print(
        `   an inbound opt-out for ${maskPhone(optOut.phone)}: HTTP ${response.status}, suppressed at once`,
      );
    }
    const crmOptOut = (
      await telesync.dialQueues.get("q4_outbound").queue.getJobs(["waiting", "delayed"], 41, 41)
    )[0]?.data.lead;
    if (crmOptOut && service.changeStreams.length > 0) {
      const startedAt = Date.now();
      sf.update("Lead", crmOptOut.crmId, { DoNotCall: true });
      let suppressed = false;
      while (!suppressed && Date.now() - startedAt < 10_000) {
        suppressed = (await service.consent.suppression.entry(crmOptOut.phone)) !== undefined;
        if (!suppressed) await new Promise((resolve) => setTimeout(resolve, 5));
      }
      print(
        suppressed
          ? `   DoNotCall ticked on a Lead in Salesforce: ${maskPhone(crmOptOut.phone)} suppressed ${Date.now() - startedAt} ms later (Change Data Capture)`
          : `   DoNotCall ticked on a Lead in Salesforce: not suppressed within 10 s (the next pull will)`,
      );
    }

    await writebackIdle(service, telesync);
    print("\n4. What reached the CRMs (batched writeback, exactly once per outcome):");
    const tasks = sf.all("Task");
    const sfStats = sf.stats();
    print(
      `   Salesforce: ${tasks.length} Tasks (TaskSubtype=Call) in ${sfStats["composite-create"] ?? 0} collections requests`,
    );
    for (const [d, n] of countBy(tasks, (t) => String(t.CallDisposition))) print(`     ${d.padEnd(24)} ${n}`);
    const donorTasks = tasks.filter((t) => typeof t.WhatId === "string" && t.WhatId.startsWith("a01"));
    print(
      `     of which on Donor__c records (Related To the donor, WhatId): ${donorTasks.length}; donors with Do_Not_Call__c: ${sf.all("Donor__c").filter((d) => d.Do_Not_Call__c === true).length}`,
    );
    const dnc = sf.all("Lead").filter((l) => l.DoNotCall === true).length;
    print(`     Leads with DoNotCall=true: ${dnc} (4 set in the CRM, the rest by telesync)`);
    const calls = sandbox.hubspot.calls();
    const labels = new Map<string, string>(Object.entries(hubspotOutcomes).map(([k, v]) => [v, k]));
    print(
      `   HubSpot: ${calls.length} calls in ${sandbox.hubspot.stats().byKind["calls.batchCreate"] ?? 0} batch requests`,
    );
    for (const [d, n] of countBy(
      calls,
      (c) => labels.get(c.properties.hs_call_disposition ?? "") ?? "other",
    )) {
      // not_interested is logged as "Connected" plus hs_lead_status UNQUALIFIED in this demo's mapping.
      print(`     ${d.padEnd(24)} ${n}`);
    }
    const onCompanies = calls.filter((c) => c.associated?.objectType === "companies");
    const companyTypes = [...new Set(onCompanies.map((c) => c.associated?.typeId))].join(", ");
    print(
      `     of which associated with a company (call → company, association type ${companyTypes || "none"}): ${onCompanies.length}, on ${new Set(onCompanies.map((c) => c.associated?.id)).size} companies`,
    );
    const survey = await service.outcomes.answerDistribution(
      "hs_outbound",
      config.campaigns.hs_outbound?.script ?? { questions: [] },
    );
    print(
      `   survey answers on hs_outbound (GET /v1/campaigns/hs_outbound/answers), ${survey.outcomes} calls:`,
    );
    for (const q of survey.questions) {
      const shown = q.counts
        ? Object.entries(q.counts)
            .map(([k, v]) => `${k} ${v}`)
            .join(", ")
        : q.numbers
          ? `mean ${q.numbers.mean.toFixed(1)}, ${q.numbers.min}–${q.numbers.max}`
          : `${q.answered} answered`;
      print(`     ${q.text.padEnd(32)} ${shown}`);
    }
    print(`   dead letters: ${await service.deadLetters.count()}`);

    print("\n5. Queues now:");
    for (const campaign of Object.keys(config.campaigns)) {
      const counts = await telesync.dialQueues
        .get(campaign)
        .queue.getJobCounts("waiting", "delayed", "active", "completed");
      print(
        `   dial-${campaign.padEnd(12)} waiting ${counts.waiting}  delayed (retries, held) ${counts.delayed}  done ${counts.completed}`,
      );
    }
    print(
      "\nNext: `npx telesync sandbox` and `npx telesync sync <source> --dry-run` with your own config (see README).",
    );
  } finally {
    await service?.close();
    await telesync.close();
    if (!options.sandbox) await sandbox.close();
    redis.stop();
  }
}
