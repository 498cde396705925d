/**
 * HubSpot writeback draining a backlog when the account's real burst limit differs from the
 * configured tier: N outcomes are posted through the API while the writeback queue is paused, then
 * the queue resumes and N call engagements are written in batches of 100, paced by the rate-limit
 * headers. Baseline: the vendor's ceiling, the real limit × 100 calls per request. The fastest a
 * rolling window of L requests per 10 s lets R requests through is ⌊(R−1)/L⌋ windows from the first
 * to the last; ratio = that span / the span taken. Plus the share of writeback requests answered 429.
 *
 * Layout: sandbox, TelesyncService (role "all") and the 20 HTTP clients all in this process. The
 * figure is set by the rate limit, not by CPU, so sharing one process does not distort it (and it
 * reads `sandbox.hubspot.stats()` directly).
 *
 *   npm run build && node build/bench/run.js hubspot [--hubspot-outcomes 4000 --hubspot-real 10 --hubspot-configured 100]
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
  compare,
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
  /** The integration's configured `burstLimitPer10s`; default 100 (Free/Starter). */
  burst?: number;
  /** The sandbox's real burst limit per 10 s while the backlog drains; default = `burst`. */
  realBurst?: number;
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
  const real = options.realBurst ?? burst;
  const prefix = benchPrefix();
  const offsetMs = businessHoursOffset();
  let sandbox: CrmSandbox | undefined;
  let telesync: Telesync | undefined;
  let service: TelesyncService | undefined;
  try {
    sandbox = await startSandbox({ port: 0 });
    const hubspot = sandbox.hubspot;
    // The sync runs under the configured tier; the real limit applies from the drain on.
    hubspot.configureLimits({ burstLimit: Math.max(burst, real), burstWindowMs: 10_000 });
    hubspot.seedContacts(n);
    const raw = hubspotBenchConfig(sandbox.hubspotBasePath, options.redisUrl, prefix, burst);
    telesync = createTelesync({ config: configSchema.parse(raw), now: offsetClock(offsetMs) });
    const atStart = hubspot.stats();
    const syncStarted = performance.now();
    const report = await telesync.sync("contacts");
    const syncSeconds = (performance.now() - syncStarted) / 1000;
    const syncEndedAt = Date.now();
    const afterSync = hubspot.stats();
    service = await TelesyncService.start(telesync, { port: 0, schedule: false });

    const writebackQueue = service.intake.queue("hs");
    await writebackQueue.pause();
    let lastCallAt = 0;
    let calls = hubspot.store.objects.calls.size;
    /** When each batch of calls was stored (5 ms ticks; two batches in one tick count twice). */
    const batchTimes: number[] = [];
    const tracker = setInterval(() => {
      const size = hubspot.store.objects.calls.size;
      if (size !== calls) {
        const now = Date.now();
        for (let b = 0; b < Math.max(1, Math.round((size - calls) / 100)); b++) batchTimes.push(now);
        calls = size;
        lastCallAt = now;
      }
    }, 5);
    const callsBefore = calls;
    let outcomes = 0;
    let firstPost = 0;
    let lastAccepted = 0;
    let resumedAt = 0;
    let beforeDrain = hubspot.stats();
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
      // The real limit takes over once the sync's requests have left HubSpot's rolling 10 s window:
      // lowered inside it, the window would already hold more than the new limit and the first write
      // would meet a 429 that no client could foresee (a limit does not shrink mid-window).
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, syncEndedAt + 10_500 - Date.now())));
      hubspot.configureLimits({ burstLimit: real });
      beforeDrain = hubspot.stats();
      resumedAt = Date.now();
      await writebackQueue.resume();
      await waitFor(
        () => (calls - callsBefore >= outcomes ? true : undefined),
        `${outcomes} calls in the sandbox`,
        300_000,
        20,
      );
    } finally {
      clearInterval(tracker);
    }
    const end = hubspot.stats();
    const writes = delta(end.byKind, beforeDrain.byKind);
    const statuses = delta(end.byStatus, beforeDrain.byStatus);
    const limited = delta(end.rateLimited, beforeDrain.rateLimited);
    const batches = writes["calls.batchCreate"] ?? 0;
    const drainSeconds = (lastCallAt - resumedAt) / 1000;
    const deadLetters = await service.deadLetters.count();
    const requests = Object.values(writes).reduce((a, b) => a + b, 0);
    const answered429 = statuses["429"] ?? 0;
    const share429 = (100 * answered429) / Math.max(1, requests);
    // Every admitted writeback request counts against the window, not only the batch creates.
    const admitted = requests - answered429;
    const spanMs = (batchTimes.at(-1) ?? 0) - (batchTimes[0] ?? 0);
    const atCeiling = admitted > real ? (Math.floor((admitted - 1) / real) * 10_000) / spanMs : Number.NaN;
    const callsStored = calls - callsBefore;
    return {
      name: `hubspot ${n.toLocaleString("en-US")}-outcome backlog, real limit ${real}/10 s vs configured ${burst}/10 s`,
      command: `node build/bench/run.js hubspot --hubspot-outcomes ${n} --hubspot-real ${real} --hubspot-configured ${burst}`,
      sandbox: "in-process (the figure is bound by the rate limit, not CPU)",
      layout: `TelesyncService role "all" in the benchmark process, ${clients} HTTP clients in the same process; writeback queue paused while the backlog is posted`,
      clock: `${clockLabel(offsetMs)}; ${report.held} leads held at sync`,
      figures: {
        outcomes,
        "calls stored": callsStored,
        "configured burst /10 s": burst,
        "real burst /10 s (sandbox)": real,
        "sync s": round(syncSeconds, 2),
        "sync requests": afterSync.requests - atStart.requests,
        "backlog posted s (first POST → last 202)": round((lastAccepted - firstPost) / 1000, 2),
        "drain s (resume → last call stored)": round(drainSeconds, 2),
        "first → last batch stored s": round(spanMs / 1000, 2),
        "span at the ceiling s": round((Math.floor((admitted - 1) / real) * 10_000) / 1000, 1),
        "calls/s (drain)": round(callsStored / drainSeconds, 1),
        "ceiling calls/s (real × 100 / 10 s)": (real * 100) / 10,
        "calls.batchCreate requests": batches,
        "calls per batch request": round(callsStored / Math.max(1, batches), 1),
        "writeback requests (all kinds)": requests,
        "429 answers": answered429,
        "429 share %": round(share429, 2),
        "most requests in one 10 s window (whole run)": end.observed.burstMax,
        "dead letters": deadLetters,
      },
      comparisons: [
        compare({
          figure: `writeback requests/10 s draining a backlog (configured ${burst}, real ${real})`,
          unit: "requests/10 s",
          value: round(atCeiling * real, 2),
          baseline: "the real limit (requests/10 s)",
          baselineValue: real,
          better: "higher",
          target: "≥ 0.9× the real limit",
          minRatio: 0.9,
        }),
        compare({
          figure: "calls per batch request, draining a backlog",
          unit: "calls/request",
          value: round(callsStored / Math.max(1, batches), 1),
          baseline: "HubSpot batch create ceiling (calls/request)",
          baselineValue: 100,
          better: "higher",
          target: "full batches (≥ 0.95×)",
          minRatio: 0.95,
        }),
        compare({
          figure: "writeback requests answered without a 429",
          unit: "%",
          value: round(100 - share429, 2),
          baseline: "every request (%)",
          baselineValue: 100,
          better: "higher",
          target: "< 1% 429s",
          minValue: 99.0001,
        }),
      ],
      headline: ["drain s (resume → last call stored)", "calls per batch request", "429 answers"],
      notes: [
        `writeback requests by kind: ${JSON.stringify(writes)}`,
        `429s by policy: ${JSON.stringify(limited)}`,
        "ratio: ⌊(R−1)/real⌋ × 10 s (the shortest span a rolling window of `real` per 10 s allows for the R admitted writeback requests) over the span from the first to the last batch stored",
      ],
    };
  } finally {
    await service?.close();
    await telesync?.close();
    await sandbox?.close();
    await dropBenchPrefix(options.redisUrl, prefix);
  }
}
