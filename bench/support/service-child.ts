/**
 * A TelesyncService in its own process, so the load generator (HTTP clients in the benchmark process)
 * does not share its event loop. Reads `BENCH_SERVICE` = JSON `{ config, role, offsetMs }` (config as
 * it would appear in YAML, parsed here with the real schema).
 *
 * stdout: `READY {"url":…}` when listening; `USAGE {…}` (CPU µs, RSS, event-loop delay since the last one) for each `usage` line on stdin;
 * `CLOSED {…}` after SIGTERM has shut the service down in order (flushes writeback).
 * Run it with `--cpu-prof` (BENCH_CPU_PROF=<dir> in the parent) to profile the service alone.
 *
 * `stubLibrary: campaign`: the HTTP layer alone. The API is the real one (auth, zod, metrics, hooks),
 * but the lease and the outcome behind it are one Redis GET each, answering a lease taken once at
 * start-up: what the HTTP layer costs beside a trivial route. The stubbed outcome answers as the
 * library does, having kept the poster on the receipt in its acceptance step.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { configSchema } from "../../src/config/schema.js";
import { type Role, TelesyncService } from "../../src/runtime/service.js";
import { createTelesync } from "../../src/runtime/telesync.js";

interface ServiceSpec {
  config: unknown;
  role: Role;
  offsetMs: number;
  stubLibrary?: string;
}

const spec = JSON.parse(process.env.BENCH_SERVICE ?? "null") as ServiceSpec | null;
if (!spec) throw new Error("BENCH_SERVICE is not set");
const offsetMs = spec.offsetMs;
const telesync = createTelesync({
  config: configSchema.parse(spec.config),
  now: () => new Date(Date.now() + offsetMs),
});
const service = await TelesyncService.start(telesync, { role: spec.role, port: 0, schedule: false });
if (spec.stubLibrary) {
  const lease = await service.leases.lease(spec.stubLibrary);
  if (!lease) throw new Error(`stubLibrary: nothing to lease in "${spec.stubLibrary}"`);
  const key = `${telesync.prefix}:bench-stub`;
  // Methods are looked up per request by the routes: replacing them here is enough.
  service.leases.lease = async () => {
    await telesync.redis.get(key);
    return lease;
  };
  service.outcomes.report = async () => {
    await telesync.redis.get(key);
    return { duplicate: false, postedByRecorded: true };
  };
}

// Event-loop delay since the previous `usage` (a stall there is latency every request waits out).
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
const usage = () => {
  const r = process.resourceUsage();
  const loop = {
    p50: loopDelay.percentile(50) / 1e6,
    p99: loopDelay.percentile(99) / 1e6,
    max: loopDelay.max / 1e6,
  };
  loopDelay.reset();
  return {
    userUs: r.userCPUTime,
    systemUs: r.systemCPUTime,
    maxRssKiB: r.maxRSS,
    rss: process.memoryUsage.rss(),
    loopDelayMs: loop,
  };
};
process.stdout.write(`READY ${JSON.stringify({ url: service.url ?? null, pid: process.pid })}\n`);
createInterface({ input: process.stdin }).on("line", (line) => {
  if (line.trim() === "usage") process.stdout.write(`USAGE ${JSON.stringify(usage())}\n`);
});
process.once("SIGTERM", () => {
  void (async () => {
    await service.close();
    await telesync.close();
    process.stdout.write(`CLOSED ${JSON.stringify(usage())}\n`);
    process.exit(0);
  })();
});
