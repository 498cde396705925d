/**
 * How long one promotion call holds Redis when 10,000 held leads fall due at once: telesync's
 * release (`DialQueue.releaseDue`, the chunk the lease service's timer uses) against BullMQ's own
 * promotion inside a lease's `moveToActive` (up to 1,000 due delayed jobs per call), each call's
 * execution time read from Redis's SLOWLOG (threshold 0) on a throwaway redis-server of this
 * benchmark's own, so no shared server's settings are touched. On a busy machine a call's time
 * includes the redis-server being descheduled: read the median beside the max.
 *
 *   npm run build && node build/bench/run.js due-block [--burst 10000]
 */
import { randomUUID } from "node:crypto";
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { DialQueue } from "../src/queues/dial-queue.js";
import { dropPrefix } from "../src/runtime/drop-prefix.js";
import { ensureLocalRedis } from "../src/runtime/local-redis.js";
import { securityKeysFromEnv } from "../src/security/security-keys.js";
import { type BenchResult, compare, type Figure, latencySummary, sleep } from "./support/common.js";

/** The chunk the lease service releases in (`releaseBatch` in lease-service.ts). */
const chunk = 100;
const hour = 3_600_000;

function heldLead(i: number) {
  return {
    key: `sf/Lead/b${i}`,
    integration: "sf",
    objectType: "Lead",
    crmId: `b${i}`,
    phone: `+1212555${String(i % 10_000).padStart(4, "0")}`,
    doNotCall: false,
    extra: {},
    modifiedAt: "2026-11-30T10:00:00.000Z",
  };
}

/** Execution µs of every script call (EVAL/EVALSHA) with `keys` keys since the last SLOWLOG RESET. */
async function scriptCalls(redis: Redis, keys: number): Promise<number[]> {
  const log = (await redis.call("SLOWLOG", "GET", "-1")) as Array<[number, number, number, string[]]>;
  return log
    .filter(([, , , args]) => /^eval/i.test(String(args[0])) && Number(args[2]) === keys)
    .map(([, , us]) => us);
}

export async function dueBlockBench(options: { burst?: number } = {}): Promise<BenchResult> {
  const burst = options.burst ?? 10_000;
  const own = await ensureLocalRedis({});
  if (!own.process) throw new Error("due-block needs a redis-server of its own (SLOWLOG settings)");
  const redis = new Redis(own.url, { maxRetriesPerRequest: null });
  const prefix = `{due-block-${randomUUID().slice(0, 8)}}`;
  const figures: Record<string, Figure> = {};
  try {
    await redis.config("SET", "slowlog-log-slower-than", "0");
    await redis.config("SET", "slowlog-max-len", "100000");

    // BullMQ alone: `burst` jobs delayed by real time, due together, promoted by the next leases.
    const name = "raw";
    const queue = new Queue(name, { connection: redis, prefix });
    const dueIn = 2_000;
    for (let i = 0; i < burst; i += 1_000)
      await queue.addBulk(
        Array.from({ length: Math.min(1_000, burst - i) }, (_v, k) => ({
          name: "dial",
          data: { lead: heldLead(i + k) },
          opts: { jobId: `r${i + k}`, delay: dueIn },
        })),
      );
    const workerConnection = new Redis(own.url, { maxRetriesPerRequest: null });
    const worker = new Worker(name, null, {
      connection: workerConnection,
      prefix,
      autorun: false,
      lockDuration: 60_000,
    });
    await sleep(dueIn + 100);
    await redis.slowlog("RESET");
    for (let i = 0; i < Math.ceil(burst / 1_000) + 2; i++) await worker.getNextJob(`t${i}`, { block: false });
    // moveToActive has 11 keys; the calls that promoted are the slowest ones, one per 1,000 jobs.
    const promoting = (await scriptCalls(redis, 11)).sort((a, b) => b - a).slice(0, Math.ceil(burst / 1_000));
    const bullmq = latencySummary(promoting.map((us) => us / 1000));
    await worker.close();
    workerConnection.disconnect();
    await queue.close();

    // telesync: the same burst held on a driven clock, released in the lease service's chunks.
    const clock = Date.now() + 10 * 24 * hour;
    const dial = new DialQueue("b", redis, prefix, securityKeysFromEnv({}).phones, () => new Date(clock));
    for (let i = 0; i < burst; i += 1_000)
      await dial.upsert(
        Array.from({ length: Math.min(1_000, burst - i) }, (_v, k) => ({
          lead: heldLead(i + k),
          sourceId: "s",
          delay: hour,
          isNew: true,
        })),
        1_000,
      );
    await redis.slowlog("RESET");
    let calls = 0;
    let moved = 0;
    for (;;) {
      const batch = await dial.releaseDue(chunk, clock + hour);
      calls++;
      moved += batch.released;
      if (batch.due < chunk) break;
    }
    // The release script has 9 keys.
    const release = latencySummary((await scriptCalls(redis, 9)).map((us) => us / 1000));
    await dial.close();

    const row = (s: Record<string, number>) => `${s.n} / ${s.p50} / ${s.p99} / ${s.max}`;
    Object.assign(figures, {
      "held leads falling due": burst,
      "BullMQ moveToActive calls that promoted: n / p50 / p99 / max ms of Redis each": row(bullmq),
      [`telesync release calls (${chunk} per call): n / p50 / p99 / max ms of Redis each`]: row(release),
      "telesync release: calls, jobs moved to wait": `${calls}, ${moved}`,
    });
    return {
      name: `due-block (${burst} held leads)`,
      command: "node build/bench/run.js due-block",
      sandbox: "none",
      layout: "this process and a throwaway redis-server of its own (SLOWLOG threshold 0)",
      clock: "BullMQ: wall clock; telesync: driven 10 days ahead (its release decides, not BullMQ's)",
      figures,
      comparisons: [
        compare({
          figure: `Redis held by one release call, median (${burst} held leads due at once)`,
          unit: "ms",
          value: release.p50 ?? Number.NaN,
          baseline:
            "BullMQ's promotion (1,000 jobs) in one lease's moveToActive, median of the calls that promoted",
          baselineValue: bullmq.p50 ?? Number.NaN,
          better: "lower",
          target: "≤ 2 ms per call",
          maxValue: 2,
        }),
      ],
      notes: [
        "each call's time is Redis's own (SLOWLOG), not a client round trip; on a shared machine it includes the redis-server being descheduled mid-call",
        "BullMQ's calls: the slowest ceil(burst / 1,000) moveToActive calls of the leases after the burst fell due, i.e. the ones that promoted",
      ],
    };
  } finally {
    await dropPrefix(own.url, prefix).catch(() => {});
    redis.disconnect();
    own.stop();
  }
}
