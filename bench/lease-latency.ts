/**
 * Leasing against its baselines, all in one run on one Redis (the machine may be busy: the ratios
 * within the run are what count):
 * - telesync over HTTP (`POST …/leases` then `POST …/outcome`, TelesyncService role "api" in a child
 *   process, agents = keep-alive node:http clients here) vs raw BullMQ (`getNextJob` +
 *   `moveToCompleted` by a manual worker, same callers, same payload) and vs a trivial Fastify route
 *   doing one Redis GET (child process, same clients);
 * - telesync as a library (`LeaseService.lease` + `OutcomeService.report`, no HTTP) vs raw BullMQ;
 * - at 50 and 200 agents; every lease gets an outcome (the writeback mix of dispositions);
 * - Redis round trips per lease and per outcome (this process's commands, counted one cycle at a time);
 * - the HTTP layer alone (the real API over a one-GET stub of the library, in a child) vs the route;
 * - paced agents (lease, hold the call a random 100–500 ms, outcome) at 200 agents: lease p50/p99
 *   beside the trivial route under the same paced load (a closed loop's latency is agents ÷ rate);
 * - lease p99 while 10,000 held leads fall due at once vs phases without them, alternating over
 *   rounds (`--burst-rounds`, default 3), pooled.
 *
 *   npm run build && node build/bench/run.js lease [--leases 1000] [--agents 50,200]
 *     [--paced-agents 200] [--hold-ms 100-500] [--burst-rounds 3]
 */
import { configSchema } from "../src/config/schema.js";
import type { DialJobData } from "../src/queues/dial-queue.js";
import { TelesyncService } from "../src/runtime/service.js";
import { createTelesync } from "../src/runtime/telesync.js";
import { OutboxRelay } from "../src/writeback/outbox-relay.js";
import { runAgents } from "./support/agents.js";
import { benchScript, spawnNode } from "./support/child.js";
import {
  type BenchResult,
  benchPrefix,
  businessHoursOffset,
  type Comparison,
  clockLabel,
  compare,
  dropBenchPrefix,
  type Figure,
  latencySummary,
  offsetClock,
  round,
  sleep,
} from "./support/common.js";
import { benchApiKey, salesforceBenchConfig } from "./support/configs.js";
import { dueBurstRounds } from "./support/due-burst.js";
import {
  type CpuUsage,
  cpuBound,
  cpuMs,
  httpRequests,
  type LoopRun,
  leaseCycleRoundTrips,
  outcomeReport,
  ownCpu,
  rawBullmq,
  telesyncLoops,
  withCpu,
} from "./support/lease-loops.js";
import { pacedPhase } from "./support/paced-agents.js";
import { type SandboxProcess, startSandboxProcess } from "./support/sandbox-process.js";
import { type ServiceProcess, startServiceProcess } from "./support/service-process.js";
import { dispositionMix } from "./writeback.js";

export interface LeaseBenchOptions {
  redisUrl: string;
  /** Lease cycles per measured phase (default 1000). */
  leases?: number;
  /** Agent counts (default 50 and 200). */
  agents?: readonly number[];
  /** Held leads falling due at once in the burst phase (default 10,000). */
  burst?: number;
  /** Rounds of the burst's two phases, pooled (default 3). */
  burstRounds?: number;
  /** Paced phase: agents (default 200; 0 skips it) and each call's hold in ms (default 100–500). */
  pacedAgents?: number;
  holdMs?: readonly [number, number];
}

const warmup = 200;

const perSecond = (run: LoopRun) => run.cycles / run.seconds;

const p99 = (run: LoopRun) => latencySummary(run.latency).p99 ?? Number.NaN;

export async function leaseBench(options: LeaseBenchOptions): Promise<BenchResult> {
  const perPhase = options.leases ?? 1000;
  const agentCounts = options.agents ?? [50, 200];
  const burst = options.burst ?? 10_000;
  const burstRounds = options.burstRounds ?? 3;
  const prefix = benchPrefix();
  const offsetMs = businessHoursOffset();
  const clock = clockLabel(offsetMs);
  let sandbox: SandboxProcess | undefined;
  let service: ServiceProcess | undefined;
  let stub: ServiceProcess | undefined;
  const pacedAgents = options.pacedAgents ?? 200;
  const holdMs = options.holdMs ?? [100, 500];
  const route = spawnNode("route", benchScript("support/route-child.js"), [], {
    env: { BENCH_ROUTE: JSON.stringify({ redisUrl: options.redisUrl, key: `${prefix}:ping` }) },
  });
  const figures: Record<string, Figure> = {};
  const comparisons: Comparison[] = [];
  try {
    const routeUrl = (await route.next<{ url: string }>("READY", 30_000)).url;
    const routeCpu = () => {
      const next = route.next<CpuUsage>("USAGE", 10_000);
      route.send("usage");
      return next;
    };
    // Per agent count: HTTP (warm-up + phase) and library; the paced phase; the burst's rounds.
    const leads = agentCounts.length * (2 * perPhase + warmup) + (2 + 2 * burstRounds) * perPhase + 400;
    sandbox = await startSandboxProcess({ leads });
    const raw = salesforceBenchConfig(sandbox.url, options.redisUrl, prefix);
    const telesync = createTelesync({ config: configSchema.parse(raw), now: offsetClock(offsetMs) });
    // The campaign requires a fresh national registry for its leads' countries (the default): import
    // a small one, so the gate reads a listing on every lease as it would in production.
    await telesync.compliance.registries.import(
      "US",
      telesync.now().toISOString().slice(0, 10),
      (async function* () {
        for (let i = 0; i < 100; i++) yield `+1202555${String(i).padStart(4, "0")}`;
      })(),
    );
    const report = await telesync.sync("leads");
    if (report.blocked > 0 || report.held > 0)
      console.error(
        `lease bench: the sync-time gate held ${report.held} and blocked ${report.blocked} leads`,
      );
    const dial = telesync.dialQueues.get("bench");
    figures["leads queued"] = await dial.queue.getWaitingCount();
    const [first] = await dial.queue.getJobs(["waiting", "delayed", "prioritized"], 0, 0);
    if (!first)
      throw new Error(`the sync queued nothing to lease: ${JSON.stringify(await dial.queue.getJobCounts())}`);
    const payload = first.data as DialJobData;
    figures["dial job payload bytes"] = JSON.stringify(payload).length;
    const lockMs = configSchema.parse(raw).campaigns.bench?.lease.ttl ?? 300_000;
    const library = await TelesyncService.start(telesync, { role: "api", listen: false, schedule: false });
    service = await startServiceProcess({ config: raw, role: "api", offsetMs });
    stub = await startServiceProcess({ config: raw, role: "api", offsetMs, stubLibrary: "bench" });
    try {
      // Round trips, one cycle at a time (nothing else of this process in flight).
      for (let i = 0; i < 20; i++) {
        const lease = await library.leases.lease("bench");
        if (lease) await library.outcomes.report(lease.leaseId, outcomeReport(i, "connected"));
      }
      const cycles = 100;
      const trips = await leaseCycleRoundTrips(library, "bench", cycles, dispositionMix);
      const held = { length: Math.max(1, trips.cycles) };
      const leaseTrips = trips.lease;
      const outcomeTrips = trips.outcome;
      const rawTrips = (
        await rawBullmq({
          redisUrl: options.redisUrl,
          prefix,
          payload,
          callers: 1,
          total: cycles,
          lockMs,
          countTrips: true,
        })
      ).trips ?? { roundTrips: Number.NaN, commands: Number.NaN };
      figures["round trips per lease"] = round(leaseTrips.roundTrips / held.length, 2);
      figures["commands per lease"] = round(leaseTrips.commands / held.length, 2);
      figures["round trips per outcome"] = round(outcomeTrips.roundTrips / held.length, 2);
      figures["commands per outcome"] = round(outcomeTrips.commands / held.length, 2);
      figures["raw BullMQ round trips per cycle (getNextJob + moveToCompleted)"] = round(
        rawTrips.roundTrips / cycles,
        2,
      );
      figures["lease commands"] = JSON.stringify(leaseTrips.byCommand);
      figures["outcome commands"] = JSON.stringify(outcomeTrips.byCommand);

      const common = {
        url: service.url,
        apiKey: benchApiKey,
        campaign: "bench",
        releaseEvery: 0,
        disposition: dispositionMix,
      };
      for (const agents of agentCounts) {
        const rawRun = await rawBullmq({
          redisUrl: options.redisUrl,
          prefix,
          payload,
          callers: agents,
          total: perPhase,
          lockMs,
        });
        // CPU per unit of work, beside the rates: less sensitive to what else the machine runs.
        const lib = await withCpu(telesync.redis, () =>
          telesyncLoops(library, "bench", agents, perPhase, dispositionMix),
        );
        const libCpuMs = lib.cpu.processMs;
        await runAgents({ ...common, agents, leases: warmup });
        const serviceFrom = await service.usage();
        const http = await runAgents({ ...common, agents, leases: perPhase });
        const serviceCpuMs = cpuMs(serviceFrom, await service.usage());
        const httpSeconds = (http.finishedAt - http.startedAt) / 1000;
        const routeFrom = await routeCpu();
        const routeRun = await httpRequests(routeUrl, "/v1/ping", agents, 2 * perPhase);
        const routeCpuMs = cpuMs(routeFrom, await routeCpu());
        // The HTTP layer alone: same agents, the library behind it one GET per request.
        await runAgents({ ...common, url: stub.url, agents, leases: warmup });
        const stubFrom = await stub.usage();
        const stubRun = await runAgents({ ...common, url: stub.url, agents, leases: perPhase });
        const stubCpuMs = cpuMs(stubFrom, await stub.usage());
        const stubRequests = stubRun.leases + stubRun.outcomes;
        const stubPerSecond = stubRequests / ((stubRun.finishedAt - stubRun.startedAt) / 1000);
        const leaseLatency = latencySummary(http.latency.lease);
        const outcomeLatency = latencySummary(http.latency.outcome);
        const httpLeases = http.leases / httpSeconds;
        const httpRequestsPerSecond = (http.leases + http.outcomes + http.empty) / httpSeconds;
        Object.assign(figures, {
          [`${agents} agents: raw BullMQ cycles/s`]: Math.round(perSecond(rawRun)),
          [`${agents} agents: raw getNextJob p50/p99 ms`]: `${latencySummary(rawRun.latency).p50} / ${p99(rawRun)}`,
          [`${agents} agents: library leases/s`]: Math.round(perSecond(lib)),
          [`${agents} agents: library lease p50/p99 ms`]: `${latencySummary(lib.latency).p50} / ${p99(lib)}`,
          [`${agents} agents: HTTP leases/s`]: Math.round(httpLeases),
          [`${agents} agents: HTTP requests/s (lease + outcome)`]: Math.round(httpRequestsPerSecond),
          [`${agents} agents: HTTP lease p50/p95/p99 ms`]: `${leaseLatency.p50} / ${leaseLatency.p95} / ${leaseLatency.p99}`,
          [`${agents} agents: HTTP outcome p50/p99 ms`]: `${outcomeLatency.p50} / ${outcomeLatency.p99}`,
          [`${agents} agents: trivial route requests/s`]: Math.round(perSecond(routeRun)),
          [`${agents} agents: trivial route p50/p99 ms`]: `${latencySummary(routeRun.latency).p50} / ${p99(routeRun)}`,
          [`${agents} agents: library CPU ms per cycle (this process: lease + outcome + loop)`]: round(
            libCpuMs / Math.max(1, lib.cycles),
            3,
          ),
          [`${agents} agents: HTTP service CPU ms per cycle (lease + outcome requests)`]: round(
            serviceCpuMs / Math.max(1, http.leases),
            3,
          ),
          [`${agents} agents: trivial route CPU ms per request`]: round(
            routeCpuMs / Math.max(1, routeRun.cycles),
            3,
          ),
          [`${agents} agents: HTTP layer alone (library stubbed) requests/s`]: Math.round(stubPerSecond),
          [`${agents} agents: HTTP layer alone CPU ms per request`]: round(
            stubCpuMs / Math.max(1, stubRequests),
            3,
          ),
          ...cpuBound(agents, lib, rawRun),
          // What HTTP adds to a request over the library's work, beside the whole of a trivial request.
          [`${agents} agents: HTTP CPU ms per request beyond the library's (service − library per cycle, ÷ 2)`]:
            round((serviceCpuMs / Math.max(1, http.leases) - libCpuMs / Math.max(1, lib.cycles)) / 2, 3),
        });
        comparisons.push(
          compare({
            figure: `leases/s over HTTP, ${agents} agents (lease + outcome per cycle)`,
            unit: "cycles/s",
            value: round(httpLeases),
            baseline: `raw BullMQ getNextJob + moveToCompleted, ${agents} callers, same payload`,
            baselineValue: round(perSecond(rawRun)),
            better: "higher",
            target: "≥ 0.5× raw",
            minRatio: 0.5,
          }),
          compare({
            figure: `HTTP requests/s, ${agents} agents (leases + outcomes)`,
            unit: "requests/s",
            value: round(httpRequestsPerSecond),
            baseline: `trivial Fastify route doing one Redis GET, ${agents} clients, same HTTP client`,
            baselineValue: round(perSecond(routeRun)),
            better: "higher",
            target: "≥ 0.7× route",
            minRatio: 0.7,
          }),
          compare({
            figure: `leases/s in-process (library), ${agents} callers (lease + outcome per cycle)`,
            unit: "cycles/s",
            value: round(perSecond(lib)),
            baseline: `raw BullMQ getNextJob + moveToCompleted, ${agents} callers, same payload`,
            baselineValue: round(perSecond(rawRun)),
            better: "higher",
            target: "≥ 0.8× raw",
            minRatio: 0.8,
          }),
          compare({
            figure: `HTTP layer alone, ${agents} agents: requests/s with the library stubbed (one GET per request)`,
            unit: "requests/s",
            value: round(stubPerSecond),
            baseline: `trivial Fastify route doing one Redis GET, ${agents} clients, same HTTP client`,
            baselineValue: round(perSecond(routeRun)),
            better: "higher",
          }),
          compare({
            figure: `lease p99 over HTTP, ${agents} agents`,
            unit: "ms",
            value: leaseLatency.p99 ?? Number.NaN,
            baseline: `raw getNextJob p99, ${agents} callers (in-process, no HTTP)`,
            baselineValue: p99(rawRun),
            better: "lower",
            ...(agents === 200
              ? { target: "≤ 25 ms at 200 agents on an idle core (ratio shown vs raw)" }
              : {}),
          }),
        );
        if (agents === 200)
          figures["200 agents: HTTP lease p99 ≤ 25 ms (machine not idle: indicative)"] =
            (leaseLatency.p99 ?? Number.POSITIVE_INFINITY) <= 25 ? "yes" : "no";
      }
      // The worker role's outbox relay (none runs here) queues the jobs: its CPU per outcome, drained now.
      const outboxed = await library.intake.outboxLength("sf");
      const relayFrom = ownCpu();
      const relay = new OutboxRelay({
        integrationId: "sf",
        redis: telesync.redis,
        target: telesync.config.redis,
        prefix,
        intake: library.intake,
        log: telesync.log,
      });
      while ((await library.intake.outboxLength("sf")) > 0) await sleep(5);
      figures["outbox relay CPU ms per outcome (worker role, not in the library's CPU per cycle)"] = round(
        cpuMs(relayFrom, ownCpu()) / Math.max(1, outboxed),
        3,
      );
      await relay.close();

      if (pacedAgents > 0) {
        const paced = await pacedPhase({
          ...common,
          service,
          routeUrl,
          agents: pacedAgents,
          // Twice a phase: each agent lives through several holds, not only its staggered start.
          leases: 2 * perPhase,
          holdMs,
        });
        Object.assign(figures, paced.figures);
        comparisons.push(...paced.comparisons);
      }

      // Due burst: rounds of the same library loop without and with `burst` held leads falling due.
      const rounds = await dueBurstRounds({
        library,
        campaign: "bench",
        dial,
        redis: telesync.redis,
        lead: payload.lead,
        burst,
        perPhase,
        rounds: burstRounds,
        callers: 50,
        disposition: dispositionMix,
      });
      Object.assign(figures, rounds.figures);
      comparisons.push(
        compare({
          figure: `library lease p99 while ${burst} held leads fall due at once (50 callers, ${burstRounds} rounds pooled)`,
          unit: "ms",
          value: latencySummary(rounds.stormy).p99 ?? Number.NaN,
          baseline: "the same loop in alternating phases with nothing falling due",
          baselineValue: latencySummary(rounds.calm).p99 ?? Number.NaN,
          better: "lower",
          target: "no more than 2× (ratio ≥ 0.5)",
          minRatio: 0.5,
        }),
        compare({
          figure: `library lease p99 in the 1.5 s after ${burst} held leads fall due (50 callers, ${burstRounds} rounds pooled)`,
          unit: "ms",
          value: latencySummary(rounds.stormyWindow).p99 ?? Number.NaN,
          baseline: "the same window of the phases with nothing falling due",
          baselineValue: latencySummary(rounds.calmWindow).p99 ?? Number.NaN,
          better: "lower",
          target: "no more than 2× (ratio ≥ 0.5)",
          minRatio: 0.5,
        }),
      );
    } finally {
      await library.close();
      await telesync.close();
    }
    return {
      name: `lease (${agentCounts.join(", ")} agents)`,
      command: "node build/bench/run.js lease",
      sandbox: "child process (idle during the measurement: only the sync before it reads from it)",
      layout: `HTTP: TelesyncService role "api" in a child process, trivial route in another, clients (node:http keep-alive) here; library and raw BullMQ in this process; ${clock}`,
      clock,
      figures,
      comparisons,
      headline: comparisons.slice(0, 3).map((c) => c.figure),
      notes: [
        `${perPhase} lease cycles per phase (${warmup} HTTP warm-up first); every lease gets an outcome (the writeback disposition mix: 45% retried or called back, the rest done)`,
        "round trips: commands this process sends to Redis, a new round trip each time one leaves while none is awaiting its reply; counted over 100 lease → outcome cycles run one at a time (the lease and the outcome apart)",
        "the trivial route is compared by requests/s (a lease cycle is two requests: lease and outcome)",
        "latency is client-side (request sent → last byte), so it includes the client's own event-loop delay",
        "HTTP layer alone: the service child's real API (auth, zod, metrics, hooks; the poster is kept on the receipt by the acceptance step, as the library does) with the lease and the outcome behind it stubbed to one Redis GET each",
        `paced: ${pacedAgents} agents each lease, hold the call ${holdMs[0]}–${holdMs[1]} ms (uniform), post the outcome; the trivial route gets request, hold, request; a closed loop's latency is agents ÷ throughput, the paced one is the answer time at the offered rate`,
      ],
    };
  } finally {
    await service?.stop();
    await stub?.stop();
    await route.stop(5_000);
    await sandbox?.stop();
    await dropBenchPrefix(options.redisUrl, prefix);
  }
}
