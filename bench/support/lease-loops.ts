import { randomUUID } from "node:crypto";
import { Agent } from "node:http";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { type Job, Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import type { LeaseService } from "../../src/dialer/lease-service.js";
import type { OutcomeReport, OutcomeService } from "../../src/outcomes/outcome-service.js";
import { createRedis } from "../../src/queues/connection.js";
import { holdFor, post } from "./agents.js";
import { type Figure, round } from "./common.js";

/** What `countRoundTrips` saw. */
export interface RoundTrips {
  commands: number;
  roundTrips: number;
  byCommand: Record<string, number>;
}

/** A closed loop of callers: how many cycles, how long, and the latency of each cycle's first step. */
export interface LoopRun {
  cycles: number;
  seconds: number;
  /** ms per first step (lease, getNextJob, the route's request). */
  latency: number[];
  /** When each first step began, ms after the run's start (same order as `latency`). */
  startedMs: number[];
  /** CPU ms (user + system) of the loop alone: this process, and the Redis server's (INFO cpu). */
  cpu?: { processMs: number; redisMs: number };
}

/** The Redis server's CPU so far (user + system, main thread and children), ms, from INFO cpu. */
export async function redisCpuMs(redis: Pick<Redis, "info">): Promise<number> {
  const info = await redis.info("cpu");
  const seconds = (field: string) => Number(new RegExp(`^${field}:([0-9.]+)`, "m").exec(info)?.[1] ?? 0);
  return (seconds("used_cpu_user") + seconds("used_cpu_sys")) * 1000;
}

/** `run` with the CPU it cost this process and the Redis server (nothing else should use either). */
export async function withCpu(
  redis: Pick<Redis, "info">,
  run: () => Promise<LoopRun>,
): Promise<LoopRun & { cpu: { processMs: number; redisMs: number } }> {
  const redisFrom = await redisCpuMs(redis);
  const from = ownCpu();
  const result = await run();
  const processMs = cpuMs(from, ownCpu());
  const redisMs = (await redisCpuMs(redis)) - redisFrom;
  return { ...result, cpu: { processMs, redisMs } };
}

/**
 * `callers` concurrent loops, each: `first()` timed, then `second(first's value)` untimed, until
 * `total` cycles are done or `first` finds nothing (queue empty).
 */
export async function runLoops<T>(
  callers: number,
  total: number,
  first: () => Promise<T | undefined>,
  second: (value: T, n: number) => Promise<void>,
  /** ms each caller waits before its first cycle (default: none). */
  startDelay?: () => number,
): Promise<LoopRun> {
  let issued = 0;
  let cycles = 0;
  const latency: number[] = [];
  const startedMs: number[] = [];
  const startedAt = performance.now();
  await Promise.all(
    Array.from({ length: callers }, async () => {
      if (startDelay) await sleep(startDelay());
      while (issued < total) {
        issued++;
        const t0 = performance.now();
        const value = await first();
        latency.push(performance.now() - t0);
        startedMs.push(t0 - startedAt);
        if (value === undefined) return;
        await second(value, ++cycles);
      }
    }),
  );
  return { cycles, seconds: (performance.now() - startedAt) / 1000, latency, startedMs };
}

/** An outcome body as a dialer sends it (the API's payload). */
export function outcomeReport(n: number, disposition: string): OutcomeReport {
  return {
    outcomeId: randomUUID(),
    disposition,
    startedAt: new Date(Date.now() - 120_000).toISOString(),
    durationSec: disposition === "connected" ? 60 + (n % 240) : 0,
    direction: "outbound",
    agent: { id: `agent-${n % 50}` },
    notes: "Asked for pricing",
  };
}

/** telesync as a library: `LeaseService.lease` then `OutcomeService.report`, no HTTP. */
export function telesyncLoops(
  service: { leases: Pick<LeaseService, "lease">; outcomes: Pick<OutcomeService, "report"> },
  campaign: string,
  callers: number,
  total: number,
  disposition: (n: number) => string,
): Promise<LoopRun> {
  return runLoops(
    callers,
    total,
    () => service.leases.lease(campaign),
    async (lease, n) => {
      await service.outcomes.report(lease.leaseId, outcomeReport(n, disposition(n)));
    },
  );
}

/**
 * The raw-queue baseline: a BullMQ queue of `count` jobs carrying `payload` (the same JSON as a dial
 * job), taken by a manual worker like the lease service's (`getNextJob` with a token, lock for the
 * lease TTL) and finished with `moveToCompleted`, by `callers` concurrent loops.
 */
export async function rawBullmq(options: {
  redisUrl: string;
  prefix: string;
  payload: unknown;
  callers: number;
  total: number;
  lockMs: number;
  /** The worker's connection coalesces the writes of one tick as telesync's do (default: not). */
  rawCoalesced?: boolean;
  /** Count the loop's round trips (`countRoundTrips`), not the queue's set-up and tear-down. */
  countTrips?: boolean;
}): Promise<LoopRun & { trips?: RoundTrips }> {
  const name = `raw-${randomUUID().slice(0, 8)}`;
  const producer = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(name, { connection: producer, prefix: options.prefix });
  // BullMQ as shipped: ioredis writing each command as it is sent (telesync's own connections
  // coalesce the writes of one tick, `coalesceWrites`; `rawCoalesced` gives raw the same).
  const connection = createRedis(options.redisUrl, "lease", {
    coalesceWrites: options.rawCoalesced === true,
  });
  const worker = new Worker(name, null, {
    connection,
    prefix: options.prefix,
    autorun: false,
    lockDuration: options.lockMs,
  });
  try {
    const total = options.total;
    for (let i = 0; i < total; i += 1000) {
      const n = Math.min(1000, total - i);
      await queue.addBulk(
        Array.from({ length: n }, (_v, k) => ({
          name: "dial",
          data: options.payload,
          opts: { jobId: `j${i + k}` },
        })),
      );
    }
    const loop = () =>
      withCpu(producer, () =>
        runLoops(
          options.callers,
          total,
          async () => {
            const token = randomUUID();
            const job = (await worker.getNextJob(token, { block: false })) as Job | undefined;
            return job ? { job, token } : undefined;
          },
          async ({ job, token }) => {
            await job.moveToCompleted({ outcome: "connected" }, token, false);
          },
        ),
      );
    if (!options.countTrips) return await loop();
    let run: LoopRun | undefined;
    const trips = await countRoundTrips(async () => {
      run = await loop();
    });
    return { ...(run as LoopRun), trips };
  } finally {
    await worker.close();
    await queue.obliterate({ force: true }).catch(() => {});
    await queue.close();
    connection.disconnect();
    producer.disconnect();
  }
}

/** HTTP requests to one route by `agents` keep-alive clients (node:http, as the dialer agents use). */
export async function httpRequests(
  url: string,
  path: string,
  agents: number,
  total: number,
  options: { holdMs?: readonly [number, number] } = {},
): Promise<LoopRun> {
  const agent = new Agent({ keepAlive: true, maxSockets: agents + 4 });
  const once = async () => {
    const reply = await post(agent, url, path, "none");
    if (reply.status !== 200) throw new Error(`${path}: HTTP ${reply.status} ${reply.body}`);
    return reply;
  };
  const { holdMs } = options;
  try {
    if (!holdMs) return await runLoops(agents, total, once, async () => {});
    // Paced like the agents (`AgentsOptions.holdMs`): a request (timed, as a lease), the hold, a
    // second request (as the outcome), each caller starting after a random wait.
    return await runLoops(
      agents,
      total,
      once,
      async () => {
        await sleep(holdFor(holdMs));
        await once();
      },
      () => holdFor([0, holdMs[1]]),
    );
  } finally {
    agent.destroy();
  }
}

/**
 * Counts what this process sends to Redis while `work` runs alone: commands, and round trips, i.e.
 * how many times a command left while none of the counted ones was awaiting its reply (commands sent
 * together, pipelined or concurrently, are one round trip). Wraps `Redis.prototype.sendCommand`.
 */
export async function countRoundTrips(
  work: () => Promise<void>,
): Promise<{ commands: number; roundTrips: number; byCommand: Record<string, number> }> {
  const proto = Redis.prototype as unknown as {
    sendCommand: (command: { name: string; promise: Promise<unknown> }, ...rest: unknown[]) => unknown;
  };
  const original = proto.sendCommand;
  let inFlight = 0;
  let commands = 0;
  let roundTrips = 0;
  const byCommand: Record<string, number> = {};
  proto.sendCommand = function (this: unknown, command, ...rest) {
    commands++;
    byCommand[command.name] = (byCommand[command.name] ?? 0) + 1;
    if (inFlight === 0) roundTrips++;
    inFlight++;
    const done = () => {
      inFlight--;
    };
    command.promise.then(done, done);
    return original.call(this, command, ...rest);
  };
  try {
    await work();
  } finally {
    proto.sendCommand = original;
  }
  return { commands, roundTrips, byCommand };
}

/**
 * Round trips and commands of `cycles` lease → outcome cycles run one at a time, the lease's and the
 * outcome's counted apart (`countRoundTrips` around each call).
 */
export async function leaseCycleRoundTrips(
  service: { leases: Pick<LeaseService, "lease">; outcomes: Pick<OutcomeService, "report"> },
  campaign: string,
  cycles: number,
  disposition: (n: number) => string,
): Promise<{ cycles: number; lease: RoundTrips; outcome: RoundTrips }> {
  const lease: RoundTrips = { commands: 0, roundTrips: 0, byCommand: {} };
  const outcome: RoundTrips = { commands: 0, roundTrips: 0, byCommand: {} };
  const add = (into: RoundTrips, more: RoundTrips) => {
    into.commands += more.commands;
    into.roundTrips += more.roundTrips;
    for (const [name, n] of Object.entries(more.byCommand))
      into.byCommand[name] = (into.byCommand[name] ?? 0) + n;
  };
  let done = 0;
  for (let n = 0; n < cycles; n++) {
    let leaseId: string | undefined;
    add(
      lease,
      await countRoundTrips(async () => {
        leaseId = (await service.leases.lease(campaign))?.leaseId;
      }),
    );
    if (!leaseId) break;
    const id = leaseId;
    add(
      outcome,
      await countRoundTrips(async () => {
        await service.outcomes.report(id, outcomeReport(n, disposition(n)));
      }),
    );
    done++;
  }
  return { cycles: done, lease, outcome };
}

export interface CpuUsage {
  userUs: number;
  systemUs: number;
}
export const cpuMs = (from: CpuUsage, to: CpuUsage) =>
  (to.userUs + to.systemUs - from.userUs - from.systemUs) / 1000;
/** This process's CPU (user + system µs), in the children's USAGE shape. */
export const ownCpu = (): CpuUsage => {
  const usage = process.cpuUsage();
  return { userUs: usage.user, systemUs: usage.system };
};

/**
 * CPU per cycle of the library's loop and raw BullMQ's, in this process and in Redis. Both loops
 * saturate the machine's cores, so when both are CPU-bound their throughput ratio is about the
 * inverse ratio of their CPU per cycle: the ceiling the library's ratio can reach without spending
 * less CPU per lease + outcome.
 */
export function cpuBound(agents: number, lib: LoopRun, raw: LoopRun): Record<string, Figure> {
  const per = (run: LoopRun, ms: number | undefined) => (ms ?? Number.NaN) / Math.max(1, run.cycles);
  const libProcess = per(lib, lib.cpu?.processMs);
  const libRedis = per(lib, lib.cpu?.redisMs);
  const rawProcess = per(raw, raw.cpu?.processMs);
  const rawRedis = per(raw, raw.cpu?.redisMs);
  return {
    [`${agents} agents: CPU ms per cycle in this process, library / raw BullMQ`]: `${round(libProcess, 3)} / ${round(rawProcess, 3)}`,
    [`${agents} agents: Redis CPU ms per cycle, library / raw BullMQ`]: `${round(libRedis, 3)} / ${round(rawRedis, 3)}`,
    [`${agents} agents: library ratio bound by CPU per cycle (raw's process + Redis CPU ÷ library's)`]: round(
      (rawProcess + rawRedis) / (libProcess + libRedis),
      2,
    ),
  };
}
