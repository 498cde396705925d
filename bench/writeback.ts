/**
 * End-to-end writeback: N sandbox leads are synced, then M concurrent HTTP clients lease each one and
 * post an outcome through the real API; measured from the first outcome POST to the last Task stored
 * in the sandbox. The writeback batch window is the default (2 s); Salesforce batches hold ≤ 200.
 *
 * Layout: sandbox in a child process (it would otherwise compete with the writeback on the same event
 * loop), TelesyncService (role "all": API + writeback worker, one process, like `telesync run`) in
 * another child process, the HTTP clients in this process.
 *
 *   npm run build && node build/bench/run.js writeback
 */
import { configSchema } from "../src/config/schema.js";
import { createTelesync } from "../src/runtime/telesync.js";
import { runAgents } from "./support/agents.js";
import {
  type BenchResult,
  benchPrefix,
  businessHoursOffset,
  clockLabel,
  dropBenchPrefix,
  latencySummary,
  mib,
  numberField,
  offsetClock,
  redisCounters,
  round,
  topCommands,
  waitFor,
} from "./support/common.js";
import { benchApiKey, salesforceBenchConfig } from "./support/configs.js";
import { type SandboxProcess, startSandboxProcess } from "./support/sandbox-process.js";
import { type ServiceProcess, startServiceProcess } from "./support/service-process.js";

export interface WritebackBenchOptions {
  redisUrl: string;
  outcomes: number;
  /** Concurrent HTTP clients (default 20). */
  clients?: number;
}

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
  const prefix = benchPrefix();
  const offsetMs = businessHoursOffset();
  let sandbox: SandboxProcess | undefined;
  let service: ServiceProcess | undefined;
  try {
    sandbox = await startSandboxProcess({ leads: n });
    const raw = salesforceBenchConfig(sandbox.url, options.redisUrl, prefix);
    const telesync = createTelesync({ config: configSchema.parse(raw), now: offsetClock(offsetMs) });
    const syncStarted = performance.now();
    const report = await telesync.sync("leads");
    const syncSeconds = (performance.now() - syncStarted) / 1000;
    const waiting = await telesync.dialQueues.get("bench").queue.getWaitingCount();
    await telesync.close();

    service = await startServiceProcess({ config: raw, role: "all", offsetMs });
    const before = await sandbox.state();
    const serviceBefore = await service.usage();
    const redisBefore = await redisCounters(options.redisUrl);
    const agents = await runAgents({
      url: service.url,
      apiKey: benchApiKey,
      campaign: "bench",
      agents: clients,
      leases: n,
      disposition: dispositionMix,
    });
    const outcomes = agents.outcomes;
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
    const first = agents.firstOutcomeAt;
    const last = agents.lastOutcomeAt;
    if (!first || !last || done.lastTaskAt === null) throw new Error("no outcome was posted");
    const seconds = (done.lastTaskAt - first.wall) / 1000;
    const apiSeconds = (last.perf - first.perf) / 1000;
    const creates = done.salesforce["composite-create"] - before.salesforce["composite-create"];
    const updates = done.salesforce["composite-update"] - before.salesforce["composite-update"];
    const tasks = done.tasks - before.tasks;
    const serviceCpu =
      (serviceAfter.userUs + serviceAfter.systemUs - serviceBefore.userUs - serviceBefore.systemUs) / 1e6;
    const sandboxCpu = (done.cpu.user + done.cpu.system - before.cpu.user - before.cpu.system) / 1e6;
    const held = numberField(report, "held");
    return {
      name: `writeback ${n.toLocaleString("en-US")}`,
      command: `node build/bench/run.js writeback  # sizes 1000 and 20000, ${clients} clients`,
      sandbox: "child process (bench/support/sandbox-child.ts), seeded with N Leads",
      layout: `TelesyncService role "all" (API + writeback worker) in a child process; ${clients} HTTP clients in the benchmark process; ${clockLabel(offsetMs)}`,
      figures: {
        outcomes,
        clients,
        "sync s": round(syncSeconds, 2),
        "waiting after sync": waiting,
        ...(held === undefined ? {} : { "held at sync": held }),
        "end-to-end s (first POST → last Task stored)": round(seconds, 2),
        "outcomes/s end to end": Math.round(outcomes / seconds),
        "outcomes/s accepted by API (first POST → last 202)": Math.round(outcomes / apiSeconds),
        "writeback tail s (last 202 → last Task)": round((done.lastTaskAt - last.wall) / 1000, 2),
        "Tasks stored": tasks,
        "collections create requests": creates,
        "Tasks/create request": round(tasks / Math.max(1, creates), 1),
        "collections update requests (Lead Status)": updates,
        "all Salesforce requests": done.salesforce.total - before.salesforce.total,
        "lease p50 ms": latencySummary(agents.latency.lease).p50 ?? 0,
        "lease p99 ms": latencySummary(agents.latency.lease).p99 ?? 0,
        "outcome POST p50 ms": latencySummary(agents.latency.outcome).p50 ?? 0,
        "outcome POST p99 ms": latencySummary(agents.latency.outcome).p99 ?? 0,
        "service CPU s": round(serviceCpu, 1),
        "redis-server CPU s (whole server)": round(redisAfter.cpu - redisBefore.cpu, 1),
        "redis commands/outcome (whole server)": round(
          (redisAfter.commands - redisBefore.commands) / Math.max(1, outcomes),
          1,
        ),
        "service CPU ms/outcome": round((serviceCpu * 1000) / outcomes, 2),
        "sandbox CPU s": round(sandboxCpu, 1),
        "service peak RSS MiB": mib(serviceAfter.maxRssKiB * 1024),
      },
      headline: ["outcomes/s end to end", "collections create requests", "Tasks/create request"],
      notes: [
        `Redis commands per outcome (whole server, INFO commandstats; commands run inside Lua scripts count too): ${topCommands(redisBefore.byCommand, redisAfter.byCommand, outcomes)}`,
        "dispositions: 40% connected and 10% not_interested (both also update Lead.Status), 25% no_answer, 15% voicemail, 10% busy",
      ],
    };
  } finally {
    await service?.stop();
    await sandbox?.stop();
    await dropBenchPrefix(options.redisUrl, prefix);
  }
}
