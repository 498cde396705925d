/**
 * Salesforce-side opt-out → telesync suppression, end to end: 100 Leads get DoNotCall = true one at a
 * time in the Salesforce sandbox; each latency runs from the write until the number is on telesync's
 * suppression list (and so refused at every lease). The path: sandbox change event → CometD long
 * poll (jsforce/faye) → `applyCrmChanges` → `ConsentService`. p50/p95 over the 100.
 *
 * Baseline, same events: a bare CometD client (handshake, subscribe, long-poll connect over fetch)
 * subscribed to the same channel: the time from the write until the sandbox's publish reaches a
 * subscriber that does nothing with it. telesync's extra is jsforce/faye, the change's application
 * and the suppression write.
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
  compare,
  dropBenchPrefix,
  isMain,
  latencySummary,
  printResult,
} from "./support/common.js";
import { salesforceBenchConfig } from "./support/configs.js";
import { sandboxSalesforceToken } from "./support/salesforce-token.js";

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
  let raw: RawSubscriber | undefined;
  try {
    await telesync.sync("leads");
    service = await TelesyncService.start(telesync, { role: "worker", schedule: false });
    const suppression = service.consent.suppression;
    raw = await rawSubscriber(sandbox.url, "/data/LeadChangeEvent");
    const latencies: number[] = [];
    const rawLatencies: number[] = [];
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
      const rawAt = await raw.receivedAt(id, 5_000);
      if (rawAt !== undefined) rawLatencies.push(rawAt - started);
    }
    const telesyncMs = latencySummary(latencies);
    const rawMs = latencySummary(rawLatencies);
    return {
      name: `cdc opt-out ${latencies.length}`,
      command: "npx tsc -p sandbox/tsconfig.json && npx tsx bench/cdc-optout-latency.ts 100",
      sandbox: "in-process (the CometD server answers the held long poll on each write)",
      layout: "this process: TelesyncService role worker, change stream only (no scheduled pulls)",
      clock: "wall clock (the opt-out path is not gated)",
      figures: { ...prefixed("optOutMs", telesyncMs), ...prefixed("rawCometdMs", rawMs) },
      comparisons: [
        compare({
          figure: "CRM opt-out → suppressed, p50",
          unit: "ms",
          value: telesyncMs.p50 ?? Number.NaN,
          baseline: "the sandbox's publish reaching a bare CometD subscriber, p50",
          baselineValue: rawMs.p50 ?? Number.NaN,
          better: "lower",
        }),
        compare({
          figure: "CRM opt-out → suppressed, p95",
          unit: "ms",
          value: telesyncMs.p95 ?? Number.NaN,
          baseline: "the sandbox's publish reaching a bare CometD subscriber, p95",
          baselineValue: rawMs.p95 ?? Number.NaN,
          better: "lower",
        }),
      ],
      headline: ["optOutMs.p50", "optOutMs.p95", "rawCometdMs.p50"],
      notes: [
        "latency = sandbox write → number on the suppression list, polled every 2 ms; the bare subscriber's = write → event in its long-poll answer",
      ],
    };
  } finally {
    await raw?.stop();
    await service?.close();
    await telesync.close();
    await sandbox.close();
    await dropBenchPrefix(options.redisUrl, prefix);
  }
}

interface RawSubscriber {
  /** performance.now() when the first event of `recordId` arrived, waiting up to `timeoutMs`. */
  receivedAt(recordId: string, timeoutMs: number): Promise<number | undefined>;
  stop(): Promise<void>;
}

/** Bayeux 1.0 long polling over fetch, as little as a subscriber can do. */
async function rawSubscriber(url: string, channel: string): Promise<RawSubscriber> {
  const token = await sandboxSalesforceToken(url);
  type Message = { channel: string; clientId?: string; data?: { payload?: Record<string, unknown> } };
  const send = async (messages: object[]): Promise<Message[]> =>
    (await (
      await fetch(`${url}/cometd/62.0`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(messages),
      })
    ).json()) as Message[];
  const [hello] = await send([
    { channel: "/meta/handshake", version: "1.0", supportedConnectionTypes: ["long-polling"] },
  ]);
  const clientId = hello?.clientId;
  if (!clientId) throw new Error("raw CometD handshake failed");
  await send([
    { channel: "/meta/subscribe", clientId, subscription: channel, ext: { replay: { [channel]: -1 } } },
  ]);
  const received = new Map<string, number>();
  let running = true;
  const loop = (async () => {
    while (running) {
      const messages = await send([{ channel: "/meta/connect", clientId, connectionType: "long-polling" }]);
      const now = performance.now();
      for (const message of messages) {
        const header = message.data?.payload?.ChangeEventHeader as { recordIds?: string[] } | undefined;
        for (const id of header?.recordIds ?? []) if (!received.has(id)) received.set(id, now);
      }
    }
  })();
  return {
    async receivedAt(recordId, timeoutMs) {
      const deadline = performance.now() + timeoutMs;
      while (!received.has(recordId) && performance.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 2));
      return received.get(recordId);
    },
    async stop() {
      running = false;
      await send([{ channel: "/meta/disconnect", clientId }]).catch(() => []);
      await loop.catch(() => {});
    },
  };
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
