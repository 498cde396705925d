/**
 * Salesforce-side opt-out → telesync suppression, end to end: 100 Leads get DoNotCall = true one at a
 * time in the Salesforce sandbox; each latency runs from the write until the number is on telesync's
 * suppression list (and so refused at every lease). The path: sandbox change event → CometD long
 * poll (jsforce/faye) → `applyCrmChanges` → `ConsentService`. p50/p95 over the 100.
 *
 * Layout: sandbox and TelesyncService (role "worker", no scheduled pulls, so only the change stream
 * can suppress) in this process; loopback HTTP between them; the suppression list is polled every
 * 2 ms, which bounds the resolution.
 *
 *   npx tsc -p sandbox/tsconfig.json && npx tsx bench/cdc-optout-latency.ts [count]
 *   (or after npm run build: node build/bench/cdc-optout-latency.js [count])
 */
import { performance } from "node:perf_hooks";
import { startSandbox } from "@telesync/sandbox";
import { configSchema } from "../src/config/schema.js";
import { leadKey } from "../src/model/lead.js";
import { TelesyncService } from "../src/runtime/service.js";
import { createTelesync } from "../src/runtime/telesync.js";
import {
  type BenchResult,
  benchPrefix,
  dropBenchPrefix,
  isMain,
  latencySummary,
  printResult,
} from "./support/common.js";
import { salesforceBenchConfig } from "./support/configs.js";

export async function cdcOptOutBench(options: { redisUrl: string; count?: number }): Promise<BenchResult> {
  const count = options.count ?? 100;
  const sandbox = await startSandbox({ port: 0 });
  const prefix = benchPrefix();
  const base = salesforceBenchConfig(sandbox.url, options.redisUrl, prefix);
  const config = configSchema.parse({
    ...base,
    integrations: { sf: { ...base.integrations.sf, realtime: { changeDataCapture: true } } },
  });
  const telesync = createTelesync({ config, compliance: false });
  const ids = sandbox.salesforce.seedLeads(count);
  let service: TelesyncService | undefined;
  try {
    await telesync.sync("leads");
    service = await TelesyncService.start(telesync, { role: "worker", schedule: false });
    const suppression = service.consent.suppression;
    const latencies: number[] = [];
    for (const id of ids) {
      const [queued] = await telesync.dialQueues.jobsOfLead(leadKey("sf", "Lead", id));
      if (!queued) continue;
      const phone = queued.job.data.lead.phone;
      const started = performance.now();
      sandbox.salesforce.update("Lead", id, { DoNotCall: true });
      const deadline = started + 30_000;
      while ((await suppression.entry(phone)) === undefined) {
        if (performance.now() > deadline) throw new Error(`opt-out of ${id} never arrived`);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      latencies.push(performance.now() - started);
    }
    return {
      name: `cdc opt-out ${latencies.length}`,
      command: "npx tsc -p sandbox/tsconfig.json && npx tsx bench/cdc-optout-latency.ts 100",
      sandbox: "in-process (the CometD server answers the held long poll on each write)",
      layout: "this process: TelesyncService role worker, change stream only (no scheduled pulls)",
      figures: { ...prefixed("optOutMs", latencySummary(latencies)) },
      headline: ["optOutMs.p50", "optOutMs.p95"],
      notes: ["latency = sandbox write → number on the suppression list, polled every 2 ms"],
    };
  } finally {
    await service?.close();
    await telesync.close();
    await sandbox.close();
    await dropBenchPrefix(options.redisUrl, prefix);
  }
}

function prefixed(name: string, summary: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(summary).map(([key, value]) => [`${name}.${key}`, value]));
}

if (isMain(import.meta.url)) {
  const count = Number(process.argv[2] ?? 100);
  cdcOptOutBench({ redisUrl: process.env.REDIS_URL ?? "redis://127.0.0.1:6379", count }).then(
    (result) => {
      printResult(result);
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
