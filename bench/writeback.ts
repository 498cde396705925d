/**
 * Salesforce writeback, two ways, on one sandbox:
 *
 * 1. Backlog: N outcomes are posted through the real API (lease + outcome, M HTTP clients) to a
 *    service with role "api", so they wait in the writeback queue; then a service with role "worker"
 *    drains them. Figure: Tasks per collections create request against the vendor's ceiling of 200
 *    records per request, and the drain rate.
 * 2. Trickle: outcomes posted at a steady R/s (default 50/s) for S seconds to a service with role
 *    "all" (default adaptive batch window); each outcome's latency runs from its POST to its Task
 *    stored in the sandbox. Baseline, same run and rate: the CRM's own write latency, one REST
 *    create per outcome straight to the sandbox (no queue, no batching).
 *
 * Layout: sandbox in a child process, TelesyncService in another, the HTTP clients in this process.
 *
 *   npm run build && node build/bench/run.js writeback
 */
import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { Agent } from "node:http";
import { configSchema } from "../src/config/schema.js";
import { createTelesync } from "../src/runtime/telesync.js";
import { post, runAgents } from "./support/agents.js";
import {
  type BenchResult,
  benchPrefix,
  businessHoursOffset,
  clockLabel,
  compare,
  dropBenchPrefix,
  latencySummary,
  mib,
  numberField,
  offsetClock,
  redisCounters,
  round,
  sleep,
  topCommands,
  waitFor,
} from "./support/common.js";
import { benchApiKey, salesforceBenchConfig } from "./support/configs.js";
import { sandboxSalesforceToken } from "./support/salesforce-token.js";
import { type SandboxProcess, startSandboxProcess } from "./support/sandbox-process.js";
import { type ServiceProcess, startServiceProcess } from "./support/service-process.js";

export interface WritebackBenchOptions {
  redisUrl: string;
  /** Backlog size. */
  outcomes: number;
  /** Concurrent HTTP clients building the backlog (default 20). */
  clients?: number;
  /** Trickle: outcomes per second (default 50) for this many seconds (default 20). */
  trickleRate?: number;
  trickleSeconds?: number;
}

/** Salesforce sObject Collections: at most 200 records per create request. */
const recordsPerRequestCeiling = 200;

/** 20-step disposition cycle: 40 % connected, 25 % no answer, 15 % voicemail, 10 % busy, 10 % not interested. */
const cycle = [
  ...Array<string>(8).fill("connected"),
  ...Array<string>(5).fill("no_answer"),
  ...Array<string>(3).fill("voicemail"),
  ...Array<string>(2).fill("busy"),
  ...Array<string>(2).fill("not_interested"),
];
export const dispositionMix = (n: number): string => cycle[n % cycle.length] as string;

export async function writebackBench(options: WritebackBenchOptions): Promise<BenchResult> {
  const n = options.outcomes;
  const clients = options.clients ?? 20;
  const rate = options.trickleRate ?? 50;
  // Two more seconds of warm-up, not counted in the latency figures.
  const trickleCount = Math.round(rate * ((options.trickleSeconds ?? 20) + 2));
  const prefix = benchPrefix();
  const offsetMs = businessHoursOffset();
  let sandbox: SandboxProcess | undefined;
  let service: ServiceProcess | undefined;
  try {
    sandbox = await startSandboxProcess({ leads: n + trickleCount });
    const raw = salesforceBenchConfig(sandbox.url, options.redisUrl, prefix);
    const telesync = createTelesync({ config: configSchema.parse(raw), now: offsetClock(offsetMs) });
    const syncStarted = performance.now();
    const report = await telesync.sync("leads");
    const syncSeconds = (performance.now() - syncStarted) / 1000;
    const waiting = await telesync.dialQueues.get("bench").queue.getWaitingCount();
    await telesync.close();

    // 1. Backlog: outcomes accepted by an API-only service, then drained by a worker.
    service = await startServiceProcess({ config: raw, role: "api", offsetMs });
    const agents = await runAgents({
      url: service.url,
      apiKey: benchApiKey,
      campaign: "bench",
      agents: clients,
      leases: n,
      disposition: dispositionMix,
    });
    await service.stop();
    service = undefined;
    const outcomes = agents.outcomes;
    const first = agents.firstOutcomeAt;
    const last = agents.lastOutcomeAt;
    if (!first || !last) throw new Error("no outcome was posted");
    const apiSeconds = (last.perf - first.perf) / 1000;
    const before = await sandbox.state();
    const sizesFrom = (await sandbox.createSizes()).length;
    const redisBefore = await redisCounters(options.redisUrl);
    service = await startServiceProcess({ config: raw, role: "worker", offsetMs });
    const serviceBefore = await service.usage();
    const done = await waitFor(
      async () => {
        const state = await sandbox?.state();
        return state && state.tasks - before.tasks >= outcomes ? state : undefined;
      },
      `${outcomes} Tasks in the sandbox`,
      180_000,
      100,
    );
    const serviceAfter = await service.usage();
    const redisAfter = await redisCounters(options.redisUrl);
    await service.stop();
    service = undefined;
    const drainTimes = (await sandbox.taskTimes(before.tasks)).map(([, at]) => at);
    const createSizes = await sandbox.createSizes(sizesFrom);
    const sizes = createSizeFigures(createSizes, recordsPerRequestCeiling);
    // Tasks are stored in request order: the first request's last Task, then the second's first.
    const firstSize = createSizes[0] ?? 0;
    const gapAfterFirst = (drainTimes[firstSize] ?? Number.NaN) - (drainTimes[firstSize - 1] ?? Number.NaN);
    const drainSeconds = ((drainTimes.at(-1) ?? 0) - (drainTimes[0] ?? 0)) / 1000;
    const creates = done.salesforce["composite-create"] - before.salesforce["composite-create"];
    const updates = done.salesforce["composite-update"] - before.salesforce["composite-update"];
    const tasks = done.tasks - before.tasks;
    const perRequest = tasks / Math.max(1, creates);
    const serviceCpu =
      (serviceAfter.userUs + serviceAfter.systemUs - serviceBefore.userUs - serviceBefore.systemUs) / 1e6;
    const sandboxCpu = (done.cpu.user + done.cpu.system - before.cpu.user - before.cpu.system) / 1e6;

    // 2. Trickle at `rate`/s through a role "all" service (the default adaptive window).
    service = await startServiceProcess({ config: raw, role: "all", offsetMs });
    const trickleFrom = (await sandbox.state()).tasks;
    const trickle = await pacedOutcomes(service.url, rate, trickleCount);
    await waitFor(
      async () => ((await sandbox?.state())?.tasks ?? 0) - trickleFrom >= trickle.posted.size || undefined,
      `${trickle.posted.size} trickle Tasks`,
      60_000,
      50,
    );
    const stored = new Map(await sandbox.taskTimes(trickleFrom));
    const latencyOf = (from: number, to: number) =>
      latencySummary(
        [...trickle.posted]
          .filter(([, { i }]) => i >= from && i < to)
          .map(([id, { sentAt }]) => (stored.get(id) ?? Number.NaN) - sentAt)
          .filter(Number.isFinite),
      );
    // The first seconds pay the service's one-time start (OAuth token, describe, JIT, connections).
    const warmup = Math.round(rate * 2);
    const trickleLatency = latencyOf(warmup, Number.POSITIVE_INFINITY);
    const warmupLatency = latencyOf(0, warmup);
    if (process.env.BENCH_TRICKLE_DUMP)
      writeFileSync(
        process.env.BENCH_TRICKLE_DUMP,
        JSON.stringify([...trickle.posted].map(([id, { sentAt, i }]) => [i, sentAt, stored.get(id)])),
      );
    await service.stop();
    service = undefined;
    // The CRM's own latency needs fewer samples: 10 s at the same rate.
    const rawLatency = latencySummary(await pacedRawCreates(sandbox.url, rate, Math.round(rate * 10)));

    const held = numberField(report, "held");
    return {
      name: `writeback (Salesforce) ${n.toLocaleString("en-US")} backlog + ${rate}/s trickle`,
      command: `node build/bench/run.js writeback --writeback-sizes ${n} --trickle-rate ${rate} --trickle-seconds ${trickleCount / rate - 2}`,
      sandbox: "child process (bench/support/sandbox-child.ts), seeded with backlog + trickle Leads",
      layout: `TelesyncService in a child process (role "api" to build the backlog, then role "worker" to drain it; role "all" for the trickle); HTTP clients in the benchmark process`,
      clock: `${clockLabel(offsetMs)}; ${held ?? 0} leads held at sync`,
      figures: {
        outcomes,
        clients,
        "sync s": round(syncSeconds, 2),
        "waiting after sync": waiting,
        ...(held === undefined ? {} : { "held at sync": held }),
        "backlog outcomes/s accepted by API (first POST → last 202)": Math.round(outcomes / apiSeconds),
        "backlog drain s (first → last Task stored)": round(drainSeconds, 2),
        "backlog drain Tasks/s": Math.round(tasks / Math.max(0.001, drainSeconds)),
        "Tasks stored": tasks,
        "collections create requests": creates,
        "Tasks/create request": round(perRequest, 1),
        ...sizes,
        "ms between the first and second create request's Tasks (5 ms ticks)": Number.isFinite(gapAfterFirst)
          ? gapAfterFirst
          : "n/a",
        "collections update requests (Lead Status)": updates,
        "all Salesforce requests (drain)": done.salesforce.total - before.salesforce.total,
        "lease p50 ms": latencySummary(agents.latency.lease).p50 ?? 0,
        "outcome POST p50 ms": latencySummary(agents.latency.outcome).p50 ?? 0,
        "outcome POST p99 ms": latencySummary(agents.latency.outcome).p99 ?? 0,
        "worker CPU s (drain)": round(serviceCpu, 1),
        "worker CPU ms/outcome": round((serviceCpu * 1000) / outcomes, 2),
        "redis commands/outcome (drain, whole server)": round(
          (redisAfter.commands - redisBefore.commands) / Math.max(1, outcomes),
          1,
        ),
        "sandbox CPU s (drain)": round(sandboxCpu, 1),
        "worker peak RSS MiB": mib(serviceAfter.maxRssKiB * 1024),
        "trickle outcomes": trickle.posted.size,
        "trickle outcomes/s achieved": round(trickle.posted.size / trickle.seconds, 1),
        "trickle outcome → Task p50 ms": trickleLatency.p50 ?? 0,
        "trickle outcome → Task p95 ms": trickleLatency.p95 ?? 0,
        "trickle outcome → Task p99 ms": trickleLatency.p99 ?? 0,
        "trickle outcome → Task max ms": trickleLatency.max ?? 0,
        "trickle warm-up (first 2 s, not in the above) p95 ms": warmupLatency.p95 ?? 0,
        "trickle POST lag behind its slot p95 ms (lease RTT + client stalls)":
          latencySummary(trickle.lagMs).p95 ?? 0,
        "trickle POST lag behind its slot max ms": latencySummary(trickle.lagMs).max ?? 0,
        "raw single create p50 ms": rawLatency.p50 ?? 0,
        "raw single create p95 ms": rawLatency.p95 ?? 0,
      },
      comparisons: [
        compare({
          figure: "Tasks per collections create request, draining a backlog",
          unit: "records/request",
          value: round(perRequest, 1),
          baseline: "Salesforce collections ceiling (records per request)",
          baselineValue: recordsPerRequestCeiling,
          better: "higher",
          target: "≥ 0.95× of 200",
          minRatio: 0.95,
        }),
        compare({
          figure: `outcome → Task stored p95 at ${rate}/s`,
          unit: "ms",
          value: trickleLatency.p95 ?? Number.NaN,
          baseline: `the CRM's own write: one REST create per outcome at ${rate}/s, p95`,
          baselineValue: rawLatency.p95 ?? Number.NaN,
          better: "lower",
          target: "p95 ≤ 1,000 ms",
          maxValue: 1_000,
        }),
      ],
      headline: ["Tasks/create request", "backlog drain Tasks/s", "trickle outcome → Task p95 ms"],
      notes: [
        `drain: Redis commands per outcome (whole server, INFO commandstats; commands inside Lua scripts count too): ${topCommands(redisBefore.byCommand, redisAfter.byCommand, outcomes)}`,
        "create request sizes: in the order the sandbox served them; a backlog that lands on an idle worker (the outbox relay's first addBulk) gives it one job at once through BullMQ's blocking wait, and the next ones only after its fetch loop has taken `concurrency` (400) jobs one round trip each, so that first job goes alone after the batch window's 20 ms floor (see the gap figure)",
        "dispositions: 40% connected and 10% not_interested (both also update Lead.Status), 25% no_answer, 15% voicemail, 10% busy",
        "trickle latency: the first 2 s of outcomes are a warm-up (reported apart); outcome POST sent → Task seen in the sandbox's store (polled every 5 ms); includes the lease-side API, the writeback queue, the batch window and the CRM round trip",
      ],
    };
  } finally {
    await service?.stop();
    await sandbox?.stop();
    await dropBenchPrefix(options.redisUrl, prefix);
  }
}

/**
 * The drain's collections create requests by size, in the order the sandbox served them: first
 * three, min, max, the whole sequence run-length encoded ("57, 200×24, 143"), and each partial one
 * (under `full` records) with its 1-based position.
 */
export function createSizeFigures(sizes: number[], full: number): Record<string, string | number> {
  const runs: string[] = [];
  for (let i = 0; i < sizes.length; ) {
    let j = i;
    while (j < sizes.length && sizes[j] === sizes[i]) j++;
    runs.push(j - i > 1 ? `${sizes[i]}×${j - i}` : String(sizes[i]));
    i = j;
  }
  const partial = sizes.flatMap((size, i) => (size < full ? [`#${i + 1}:${size}`] : []));
  const cap = (list: string[], n: number) =>
    list.length > n ? `${list.slice(0, n).join(", ")}, … (${list.length - n} more)` : list.join(", ");
  return {
    "create request sizes (first 3 / min / max)":
      sizes.length === 0
        ? "none"
        : `${sizes.slice(0, 3).join(", ")} / ${Math.min(...sizes)} / ${Math.max(...sizes)}`,
    "create request sizes in order": cap(runs, 16),
    [`partial create requests (< ${full})`]: partial.length,
    "partial create requests (#position:size)": cap(partial, 16) || "none",
  };
}

/**
 * One lease + outcome every 1/rate s, each on its own (a slow one does not delay the next): the
 * outcome ids with when their POST was sent (epoch ms).
 */
async function pacedOutcomes(
  url: string,
  rate: number,
  count: number,
): Promise<{ posted: Map<string, { sentAt: number; i: number }>; seconds: number; lagMs: number[] }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const posted = new Map<string, { sentAt: number; i: number }>();
  const started = performance.now();
  const startedWall = Date.now();
  /** How late each outcome POST went out against its slot (i / rate): the load generator's own lag. */
  const lagMs: number[] = [];
  const one = async (i: number) => {
    const leased = await post(agent, url, "/v1/campaigns/bench/leases", benchApiKey);
    if (leased.status !== 200) throw new Error(`lease: HTTP ${leased.status} ${leased.body}`);
    const { leaseId } = JSON.parse(leased.body) as { leaseId: string };
    const outcomeId = randomUUID();
    const disposition = dispositionMix(i);
    const sentAt = Date.now();
    lagMs.push(sentAt - (startedWall + (i * 1000) / rate));
    const reported = await post(agent, url, `/v1/leases/${leaseId}/outcome`, benchApiKey, {
      outcomeId,
      disposition,
      startedAt: new Date(sentAt - 120_000).toISOString(),
      durationSec: disposition === "connected" ? 90 : 0,
      direction: "outbound",
      agent: { id: `agent-${(i % 20) + 1}` },
    });
    if (reported.status !== 202) throw new Error(`outcome: HTTP ${reported.status} ${reported.body}`);
    posted.set(outcomeId, { sentAt, i });
  };
  try {
    await paced(rate, count, one);
  } finally {
    agent.destroy();
  }
  return { posted, seconds: (performance.now() - started) / 1000, lagMs };
}

/** The CRM's own latency at the same rate: one `POST /sobjects/Task` per outcome, ms each. */
async function pacedRawCreates(url: string, rate: number, count: number): Promise<number[]> {
  const token = await sandboxSalesforceToken(url);
  const latencies: number[] = [];
  await paced(rate, count, async (i) => {
    const t0 = performance.now();
    const response = await fetch(`${url}/services/data/v62.0/sobjects/Task`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ Subject: `raw ${i}`, CallObject: randomUUID(), Status: "Completed" }),
    });
    await response.text();
    if (!response.ok) throw new Error(`raw Task create: HTTP ${response.status}`);
    latencies.push(performance.now() - t0);
  });
  return latencies;
}

/** Start `task(i)` at i/rate s for i < count, without waiting for earlier ones; resolves when all did. */
async function paced(rate: number, count: number, task: (i: number) => Promise<void>): Promise<void> {
  const started = performance.now();
  const running: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    running.push(task(i));
  }
  await Promise.all(running);
}
