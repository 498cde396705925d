/**
 * A TelesyncService in its own process, so the load generator (HTTP clients in the benchmark process)
 * does not share its event loop. Reads `BENCH_SERVICE` = JSON `{ config, role, offsetMs }` (config as
 * it would appear in YAML, parsed here with the real schema).
 *
 * stdout: `READY {"url":…}` when listening; `USAGE {…}` (CPU µs, RSS) for each `usage` line on stdin;
 * `CLOSED {…}` after SIGTERM has shut the service down in order (flushes writeback).
 * Run it with `--cpu-prof` (BENCH_CPU_PROF=<dir> in the parent) to profile the service alone.
 */
import { createInterface } from "node:readline";
import { configSchema } from "../../src/config/schema.js";
import { type Role, TelesyncService } from "../../src/runtime/service.js";
import { createTelesync } from "../../src/runtime/telesync.js";

interface ServiceSpec {
  config: unknown;
  role: Role;
  offsetMs: number;
}

const spec = JSON.parse(process.env.BENCH_SERVICE ?? "null") as ServiceSpec | null;
if (!spec) throw new Error("BENCH_SERVICE is not set");
const offsetMs = spec.offsetMs;
const telesync = createTelesync({
  config: configSchema.parse(spec.config),
  now: () => new Date(Date.now() + offsetMs),
});
const service = await TelesyncService.start(telesync, { role: spec.role, port: 0, schedule: false });

const usage = () => {
  const r = process.resourceUsage();
  return {
    userUs: r.userCPUTime,
    systemUs: r.systemCPUTime,
    maxRssKiB: r.maxRSS,
    rss: process.memoryUsage.rss(),
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
