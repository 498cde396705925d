/**
 * Lease latency under load: 50 agents on the HTTP API, each looping lease → outcome (4 in 5) or
 * release (1 in 5), over 10,000 leases after a 500-lease warm-up; p50/p95/p99 of
 * `POST /v1/campaigns/:campaign/leases` as the client sees it, and leases/s.
 *
 * Layout: TelesyncService role "api" (what a scaled-out API instance runs: leases, outcomes into the
 * writeback queue, no writeback worker) in a child process; the 50 clients in the benchmark process;
 * the sandbox in a child process (only used by the sync before the measurement).
 *
 *   npm run build && node build/bench/run.js lease
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
  offsetClock,
  redisCounters,
  round,
  topCommands,
} from "./support/common.js";
import { benchApiKey, salesforceBenchConfig } from "./support/configs.js";
import { type SandboxProcess, startSandboxProcess } from "./support/sandbox-process.js";
import { type ServiceProcess, startServiceProcess } from "./support/service-process.js";
import { dispositionMix } from "./writeback.js";

export interface LeaseBenchOptions {
  redisUrl: string;
  leases?: number;
  agents?: number;
  warmup?: number;
}

export async function leaseBench(options: LeaseBenchOptions): Promise<BenchResult> {
  const leases = options.leases ?? 10_000;
  const agentCount = options.agents ?? 50;
  const warmup = options.warmup ?? 500;
  const releaseEvery = 5;
  const prefix = benchPrefix();
  const offsetMs = businessHoursOffset();
  let sandbox: SandboxProcess | undefined;
  let service: ServiceProcess | undefined;
  try {
    // Released leads go back to the queue, so (1 - 1/releaseEvery) of the leases use up a lead.
    const leads = warmup + leases;
    sandbox = await startSandboxProcess({ leads });
    const raw = salesforceBenchConfig(sandbox.url, options.redisUrl, prefix);
    const telesync = createTelesync({ config: configSchema.parse(raw), now: offsetClock(offsetMs) });
    await telesync.sync("leads");
    const waiting = await telesync.dialQueues.get("bench").queue.getWaitingCount();
    await telesync.close();

    service = await startServiceProcess({ config: raw, role: "api", offsetMs });
    const common = {
      url: service.url,
      apiKey: benchApiKey,
      campaign: "bench",
      agents: agentCount,
      releaseEvery,
      disposition: dispositionMix,
    };
    await runAgents({ ...common, leases: warmup });
    const before = await service.usage();
    const redisBefore = await redisCounters(options.redisUrl);
    const run = await runAgents({ ...common, leases });
    const after = await service.usage();
    const redisAfter = await redisCounters(options.redisUrl);
    const seconds = (run.finishedAt - run.startedAt) / 1000;
    const lease = latencySummary(run.latency.lease);
    const outcome = latencySummary(run.latency.outcome);
    const release = latencySummary(run.latency.release);
    const cpu = (after.userUs + after.systemUs - before.userUs - before.systemUs) / 1e6;
    return {
      name: `lease latency (${agentCount} agents)`,
      command: "node build/bench/run.js lease",
      sandbox: "child process (idle during the measurement: only the sync before it reads from it)",
      layout: `TelesyncService role "api" in a child process; ${agentCount} HTTP clients (node:http keep-alive) in the benchmark process; ${clockLabel(offsetMs)}`,
      figures: {
        "leads queued": waiting,
        leases: run.leases,
        outcomes: run.outcomes,
        releases: run.releases,
        "204 (queue empty)": run.empty,
        seconds: round(seconds, 2),
        "leases/s": Math.round(run.leases / seconds),
        "API requests/s": Math.round((run.leases + run.outcomes + run.releases + run.empty) / seconds),
        "lease p50 ms": lease.p50 ?? 0,
        "lease p95 ms": lease.p95 ?? 0,
        "lease p99 ms": lease.p99 ?? 0,
        "lease max ms": lease.max ?? 0,
        "outcome p50 ms": outcome.p50 ?? 0,
        "outcome p95 ms": outcome.p95 ?? 0,
        "outcome p99 ms": outcome.p99 ?? 0,
        "release p50 ms": release.p50 ?? 0,
        "release p99 ms": release.p99 ?? 0,
        "service CPU s": round(cpu, 1),
        "redis-server CPU s (whole server)": round(redisAfter.cpu - redisBefore.cpu, 1),
        "redis commands/lease cycle (whole server)": round(
          (redisAfter.commands - redisBefore.commands) / Math.max(1, run.leases),
          1,
        ),
        "service CPU ms/lease cycle": round((cpu * 1000) / Math.max(1, run.leases), 2),
        "service peak RSS MiB": mib(after.maxRssKiB * 1024),
      },
      headline: ["lease p50 ms", "lease p95 ms", "lease p99 ms", "leases/s"],
      notes: [
        `Redis commands per lease cycle (whole server, INFO commandstats; commands run inside Lua scripts count too): ${topCommands(redisBefore.byCommand, redisAfter.byCommand, run.leases)}`,
        `${warmup} warm-up leases first (not counted); every ${releaseEvery}th lease is released, the rest get an outcome`,
        "latency is client-side (request sent → last byte), so it includes the client's own event-loop delay",
      ],
    };
  } finally {
    await service?.stop();
    await sandbox?.stop();
    await dropBenchPrefix(options.redisUrl, prefix);
  }
}
