/**
 * One `telesync sync` of N sandbox leads, measured: leads/s, peak RSS of the syncing process, and
 * Redis memory per queued lead. The sandbox runs in a child process (`telesync sandbox --seed N`) so
 * its memory and CPU are not counted.
 *
 *   npm run build && node build/bench/sync-100k.js [count]         # in-process sync (library call)
 *   npm run build && node build/bench/sync-100k.js [count] --cli   # the literal CLI under /usr/bin/time -v
 *
 * The library run sets telesync's clock to US business hours (see `businessHoursInstant`), so the
 * sync-time compliance gate queues the leads as callable whatever the hour; the CLI cannot be given a
 * clock and runs on the wall clock: outside US calling hours the gate queues the leads as delayed
 * jobs ("held"), which is a different (and more expensive) path.
 */
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { stringify } from "yaml";
import { configSchema } from "../src/config/schema.js";
import {
  sandboxConfigInput,
  sandboxCredentials,
  sandboxMappings,
  sandboxSalesforce,
} from "../src/demo/sandbox-config.js";
import { ensureLocalRedis } from "../src/runtime/local-redis.js";
import { createTelesync, type Telesync } from "../src/runtime/telesync.js";
import { type Child, spawnNode } from "./support/child.js";
import {
  type BenchResult,
  benchPrefix,
  businessHoursOffset,
  clockLabel,
  dropBenchPrefix,
  isMain,
  mib,
  numberField,
  offsetClock,
  prefixMemory,
  printResult,
  round,
  usedMemory,
} from "./support/common.js";

export interface SyncBenchOptions {
  count?: number;
  redisUrl: string;
  /** CLI run only: the sandbox port written into the kept YAML (default 4410, env BENCH_SANDBOX_PORT). */
  port?: number;
}

/** Where the CLI run leaves its config, so the quoted command can be run again as printed. */
export const cliConfigFile = join(tmpdir(), "telesync-bench", "sync-cli.yaml");

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const cliScript = join(repoRoot, "bin/telesync.js");

/** `telesync sandbox --port 0 --seed N` as a child; resolves with its URL once it listens. */
async function startCliSandbox(
  count: number,
  port = 0,
): Promise<{ child: Child; url: string; seedSeconds: number }> {
  const started = performance.now();
  const child = spawnNode("sandbox", cliScript, ["sandbox", "--port", String(port), "--seed", String(count)]);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("sandbox did not start within 180 s")), 180_000);
    child.process.stdout?.on("data", (d: Buffer) => {
      const match = /listening at (http:\/\/\S+)/.exec(d.toString());
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.process.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`sandbox exited (${code})`));
    });
  });
  return { child, url, seedSeconds: (performance.now() - started) / 1000 };
}

function rawConfig(sandboxUrl: string, redisUrl: string, prefix: string, secrets: "inline" | "env") {
  const env = (name: string, value: string) => (secrets === "env" ? `\${${name}:-${value}}` : value);
  return sandboxConfigInput({
    redis: { url: env("REDIS_URL", redisUrl), prefix },
    integrations: {
      sf: sandboxSalesforce(env("SF_INSTANCE_URL", sandboxUrl), {
        loginUrl: env("SF_LOGIN_URL", sandboxUrl),
        auth: {
          type: "refresh_token",
          clientId: sandboxCredentials.salesforce.clientId,
          clientSecret: env("SF_CLIENT_SECRET", sandboxCredentials.salesforce.clientSecret),
          refreshToken: env("SF_REFRESH_TOKEN", sandboxCredentials.salesforce.refreshToken),
        },
      }),
    },
    mappings: { lead: sandboxMappings.salesforceLeadWithAddress },
    sources: [
      {
        id: "bench",
        integration: "sf",
        campaign: "bench",
        mapping: "lead",
        select: { object: "Lead", where: "Status = 'Open - Not Contacted'" },
      },
    ],
    campaigns: { bench: {} },
  });
}

async function queueFigures(telesync: Telesync) {
  const counts = await telesync.dialQueues
    .get("bench")
    .queue.getJobCounts("waiting", "delayed", "prioritized", "completed");
  const queued = (counts.waiting ?? 0) + (counts.delayed ?? 0) + (counts.prioritized ?? 0);
  return { counts, queued };
}

/** The sync as a library call in this process: `telesync.sync(source)`. */
export async function syncBench(options: SyncBenchOptions): Promise<BenchResult> {
  const count = options.count ?? 100_000;
  const prefix = benchPrefix();
  const sandbox = await startCliSandbox(count);
  const redis = new Redis(options.redisUrl);
  let telesync: Telesync | undefined;
  try {
    const offsetMs = businessHoursOffset();
    telesync = createTelesync({
      config: configSchema.parse(rawConfig(sandbox.url, options.redisUrl, prefix, "inline")),
      now: offsetClock(offsetMs),
    });
    const rssBefore = process.memoryUsage.rss();
    const peakBefore = process.resourceUsage().maxRSS * 1024;
    const before = await usedMemory(redis);
    const cpu0 = process.cpuUsage();
    const started = performance.now();
    const report = await telesync.sync("bench");
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const peakRss = process.resourceUsage().maxRSS * 1024;
    const after = await usedMemory(redis);
    const { counts, queued } = await queueFigures(telesync);
    const memory = await prefixMemory(redis, prefix);
    const held = numberField(report, "held");
    const blocked = numberField(report, "blocked");
    return {
      name: `sync ${count.toLocaleString("en-US")} (in-process)`,
      command: `node build/bench/sync-100k.js ${count}`,
      sandbox:
        "child process (`node bin/telesync.js sandbox --port 0 --seed N`): not in the RSS or CPU figures",
      layout: `telesync.sync() in the benchmark process; ${clockLabel(offsetMs)}`,
      figures: {
        leads: count,
        records: report.records,
        pages: report.pages,
        added: report.added,
        skipped: report.skipped,
        ...(held === undefined ? {} : { held }),
        ...(blocked === undefined ? {} : { blocked }),
        "queued (waiting+delayed)": queued,
        waiting: counts.waiting ?? 0,
        delayed: counts.delayed ?? 0,
        seconds: round(seconds, 2),
        "leads/s": Math.round(report.records / seconds),
        "cpu s (user+sys)": round((cpu.user + cpu.system) / 1e6, 1),
        "peak RSS MiB": mib(peakRss),
        "RSS before sync MiB": mib(rssBefore),
        "peak RSS before sync MiB": mib(peakBefore),
        "redis keys": memory.keys,
        "redis bytes/queued lead (MEMORY USAGE of prefix)": Math.round(memory.bytes / Math.max(1, queued)),
        "redis used_memory delta/queued lead": Math.round((after - before) / Math.max(1, queued)),
        "sandbox start+seed s": round(sandbox.seedSeconds, 1),
      },
      headline: ["leads/s", "peak RSS MiB", "redis bytes/queued lead (MEMORY USAGE of prefix)"],
      notes: [
        "peak RSS is the process maximum since start (getrusage ru_maxrss): run.ts runs sync first, before any other benchmark",
        "used_memory delta is server-wide (other clients of the same Redis count in it); MEMORY USAGE over the bench prefix is the figure to trust",
      ],
    };
  } finally {
    await telesync?.close();
    await dropBenchPrefix(options.redisUrl, prefix);
    redis.disconnect();
    await sandbox.child.stop(5_000);
  }
}

function runTimed(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("/usr/bin/time", ["-v", ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

function parseElapsed(text: string): number {
  const value = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)/.exec(text)?.[1] ?? "";
  return value.split(":").reduce((total, part) => total * 60 + Number(part), 0);
}

/** The literal CLI: `/usr/bin/time -v node bin/telesync.js sync bench --config <tmp yaml>`. */
export async function syncCliBench(options: SyncBenchOptions): Promise<BenchResult> {
  const count = options.count ?? 100_000;
  const prefix = benchPrefix();
  const port = options.port ?? Number(process.env.BENCH_SANDBOX_PORT ?? 4410);
  const configFile = cliConfigFile;
  mkdirSync(dirname(configFile), { recursive: true });
  const sandbox = await startCliSandbox(count, port);
  let telesync: Telesync | undefined;
  try {
    const raw = rawConfig(sandbox.url, options.redisUrl, prefix, "env");
    writeFileSync(
      configFile,
      `# Written by bench/sync-100k.ts (syncCliBench). Start the sandbox first:\n#   node bin/telesync.js sandbox --port ${port} --seed ${count}\n${stringify(raw)}`,
    );
    const args = [process.execPath, "bin/telesync.js", "sync", "bench", "--config", configFile];
    const timed = await runTimed(args, {});
    if (timed.code !== 0) throw new Error(`telesync sync exited ${timed.code}: ${timed.stderr.slice(-2000)}`);
    const wall = parseElapsed(timed.stderr);
    const maxRssKiB = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(timed.stderr)?.[1] ?? 0);
    const user = Number(/User time \(seconds\): ([\d.]+)/.exec(timed.stderr)?.[1] ?? 0);
    const system = Number(/System time \(seconds\): ([\d.]+)/.exec(timed.stderr)?.[1] ?? 0);
    const took = Number(/took ([\d.]+) s/.exec(timed.stdout)?.[1] ?? Number.NaN);
    const records = Number(/records (\d+)/.exec(timed.stdout)?.[1] ?? Number.NaN);
    telesync = createTelesync({
      config: configSchema.parse(rawConfig(sandbox.url, options.redisUrl, prefix, "inline")),
    });
    const { counts, queued } = await queueFigures(telesync);
    const memory = await prefixMemory(telesync.redis, prefix);
    const held = /held (\d+)/.exec(timed.stdout)?.[1];
    const shown = `/usr/bin/time -v node bin/telesync.js sync bench --config ${configFile}`;
    return {
      name: `sync ${count.toLocaleString("en-US")} (CLI)`,
      command: `node bin/telesync.js sandbox --port ${port} --seed ${count} &  ${shown}`,
      sandbox: `child process (\`node bin/telesync.js sandbox --port ${port} --seed ${count}\`)`,
      layout:
        "the CLI in its own process, measured by /usr/bin/time -v; wall clock (the sync-time gate decides on the real hour)",
      figures: {
        leads: count,
        records,
        ...(held === undefined ? {} : { "held (CLI)": Number(held) }),
        "queued (waiting+delayed)": queued,
        waiting: counts.waiting ?? 0,
        delayed: counts.delayed ?? 0,
        "wall s (/usr/bin/time)": round(wall, 2),
        "sync s (CLI 'took')": took,
        "leads/s (wall)": Math.round(records / wall),
        "max RSS MiB (/usr/bin/time)": mib(maxRssKiB * 1024),
        "cpu s (user+sys)": round(user + system, 1),
        "redis keys": memory.keys,
        "redis bytes/queued lead (MEMORY USAGE of prefix)": Math.round(memory.bytes / Math.max(1, queued)),
      },
      headline: ["wall s (/usr/bin/time)", "leads/s (wall)", "max RSS MiB (/usr/bin/time)"],
      notes: [
        `CLI output: ${timed.stdout.trim().replace(/\n/g, " | ")}`,
        `config kept at ${configFile} (secrets as \${VAR:-default} references; its keys under ${prefix} were deleted after the run, delete them again after a rerun)`,
      ],
    };
  } finally {
    await telesync?.close();
    await dropBenchPrefix(options.redisUrl, prefix);
    await sandbox.child.stop(5_000);
  }
}

if (isMain(import.meta.url)) {
  const args = process.argv.slice(2);
  const count = Number(args.find((a) => /^\d+$/.test(a)) ?? 100_000);
  const local = await ensureLocalRedis();
  try {
    const result = args.includes("--cli")
      ? await syncCliBench({ count, redisUrl: local.url })
      : await syncBench({ count, redisUrl: local.url });
    printResult(result);
  } finally {
    local.stop();
  }
}
