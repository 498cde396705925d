/**
 * HubSpot writeback under the Free/Starter burst limit: 1,000 outcomes become 1,000 call
 * engagements; how many batch requests, how long, and how many 429s the sandbox answered.
 *
 * Layout: sandbox, TelesyncService (role "all") and the 20 HTTP clients all in this process. The
 * figure is set by the 100 requests / 10 s limit, not by CPU, so sharing one process does not
 * distort it (and it reads `sandbox.hubspot.stats()` directly).
 *
 *   npm run build && node build/bench/run.js hubspot
 */

import { type CrmSandbox, startSandbox } from "@telesync/sandbox";
import { configSchema } from "../src/config/schema.js";
import { TelesyncService } from "../src/runtime/service.js";
import { createTelesync, type Telesync } from "../src/runtime/telesync.js";
import { runAgents } from "./support/agents.js";
import {
  type BenchResult,
  benchPrefix,
  businessHoursOffset,
  clockLabel,
  dropBenchPrefix,
  offsetClock,
  round,
  waitFor,
} from "./support/common.js";
import { benchApiKey, hubspotBenchConfig } from "./support/configs.js";

export interface HubspotBenchOptions {
  redisUrl: string;
  outcomes?: number;
  clients?: number;
  /** Sandbox burst limit per 10 s (and the integration's `burstLimitPer10s`); default 100. */
  burst?: number;
}

const cycle = ["connected", "connected", "no_answer", "voicemail", "busy"];

function delta(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(after)) {
    const d = value - (before[key] ?? 0);
    if (d !== 0) out[key] = d;
  }
  return out;
}

export async function hubspotBench(options: HubspotBenchOptions): Promise<BenchResult> {
  const n = options.outcomes ?? 1_000;
  const clients = options.clients ?? 20;
  const burst = options.burst ?? 100;
  const prefix = benchPrefix();
  const offsetMs = businessHoursOffset();
  let sandbox: CrmSandbox | undefined;
  let telesync: Telesync | undefined;
  let service: TelesyncService | undefined;
  try {
    sandbox = await startSandbox({ port: 0 });
    const hubspot = sandbox.hubspot;
    hubspot.configureLimits({ burstLimit: burst, burstWindowMs: 10_000 });
    hubspot.seedContacts(n);
    const raw = hubspotBenchConfig(sandbox.hubspotBasePath, options.redisUrl, prefix, burst);
    telesync = createTelesync({ config: configSchema.parse(raw), now: offsetClock(offsetMs) });
    const atStart = hubspot.stats();
    const syncStarted = performance.now();
    await telesync.sync("contacts");
    const syncSeconds = (performance.now() - syncStarted) / 1000;
    const afterSync = hubspot.stats();
    service = await TelesyncService.start(telesync, { port: 0, schedule: false });

    let lastCallAt = 0;
    let calls = hubspot.store.objects.calls.size;
    const tracker = setInterval(() => {
      const size = hubspot.store.objects.calls.size;
      if (size !== calls) {
        calls = size;
        lastCallAt = Date.now();
      }
    }, 5);
    const callsBefore = calls;
    let outcomes = 0;
    let firstPost = 0;
    let lastAccepted = 0;
    try {
      const agents = await runAgents({
        url: service.url as string,
        apiKey: benchApiKey,
        campaign: "hs_bench",
        agents: clients,
        leases: n,
        disposition: (i) => cycle[i % cycle.length] as string,
      });
      outcomes = agents.outcomes;
      firstPost = agents.firstOutcomeAt?.wall ?? 0;
      lastAccepted = agents.lastOutcomeAt?.wall ?? 0;
      await waitFor(
        () => (calls - callsBefore >= outcomes ? true : undefined),
        `${outcomes} calls in the sandbox`,
        180_000,
        20,
      );
    } finally {
      clearInterval(tracker);
    }
    const end = hubspot.stats();
    const writes = delta(end.byKind, afterSync.byKind);
    const statuses = delta(end.byStatus, afterSync.byStatus);
    const limited = delta(end.rateLimited, afterSync.rateLimited);
    const batches = writes["calls.batchCreate"] ?? 0;
    const seconds = (lastCallAt - firstPost) / 1000;
    const deadLetters = await service.deadLetters.count();
    return {
      name: `hubspot ${n.toLocaleString("en-US")} outcomes`,
      command: "node build/bench/run.js hubspot",
      sandbox: "in-process (the figure is bound by the rate limit, not CPU)",
      layout: `TelesyncService role "all" in the benchmark process, ${clients} HTTP clients in the same process; ${clockLabel(offsetMs)}`,
      figures: {
        outcomes,
        "calls stored": calls - callsBefore,
        "burst limit /10 s": burst,
        "sync s": round(syncSeconds, 2),
        "sync requests": afterSync.requests - atStart.requests,
        "seconds (first POST → last call stored)": round(seconds, 2),
        "writeback tail s (last 202 → last call)": round((lastCallAt - lastAccepted) / 1000, 2),
        "calls/s": round(outcomes / seconds, 1),
        "calls.batchCreate requests": batches,
        "calls per batch request": round((calls - callsBefore) / Math.max(1, batches), 1),
        "writeback requests (all kinds)": Object.values(writes).reduce((a, b) => a + b, 0),
        "429 answers": statuses["429"] ?? 0,
        "most requests in one 10 s window (whole run)": end.observed.burstMax,
        "dead letters": deadLetters,
      },
      headline: ["seconds (first POST → last call stored)", "calls.batchCreate requests", "429 answers"],
      notes: [
        `writeback requests by kind: ${JSON.stringify(writes)}`,
        `429s by policy: ${JSON.stringify(limited)}`,
      ],
    };
  } finally {
    await service?.close();
    await telesync?.close();
    await sandbox?.close();
    await dropBenchPrefix(options.redisUrl, prefix);
  }
}
