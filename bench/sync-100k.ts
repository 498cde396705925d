/**
 * One `telesync sync` of N sandbox leads, measured: leads/s, peak RSS of the syncing process, and
 * Redis memory per queued lead. The sandbox runs in a child process (`telesync sandbox --seed N`) so
 * its memory and CPU are not counted.
 *
 *   npm run build && tsc -p tsconfig.bench.json
 *   node build/bench/sync-100k.js [count]           # library call, clock at US business hours
 *   node build/bench/sync-100k.js [count] --night   # library call, clock at 03:00 New York: all held
 *   node build/bench/sync-100k.js [count] --cli     # the literal CLI under /usr/bin/time -v
 *
 * The library run drives telesync's clock (business hours: the sync-time gate queues the leads as
 * callable; night: it holds them all as delayed jobs) and compares each figure with raw BullMQ
 * `addBulk` of the same payloads in the same run. The CLI run is given the same business-hours
 * instant with `telesync sync --at`.
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
  businessHoursInstant,
  compare,
  dropBenchPrefix,
  isMain,
  mib,
  numberField,
  prefixMemory,
  printResult,
  round,
  usedMemory,
} from "./support/common.js";
import {
  clockFor,
  type RawChildResult,
  runChild,
  type SyncChildResult,
  type SyncClock,
} from "./support/sync-runs.js";

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
    // Seeding takes about a second per 2,000 leads on a busy machine: 1M leads need minutes.
    const limitS = 180 + Math.ceil(count / 1_000);
    const timer = setTimeout(
      () => reject(new Error(`sandbox did not start within ${limitS} s`)),
      limitS * 1_000,
    );
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

export function rawConfig(sandboxUrl: string, redisUrl: string, prefix: string, secrets: "inline" | "env") {
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
    // The sandbox's leads are fictional US numbers with no registry snapshot to screen them against:
    // without the explicit opt-out the gate would block every one (a different path, not a sync).
    campaigns: {
      bench: {
        compliance: {
          requiredRegistries: "none",
          unscreenedReason: "benchmark fixture: registry screening is not what the sync benchmark measures",
        },
      },
    },
  });
}

async function queueFigures(telesync: Telesync) {
  const counts = await telesync.dialQueues
    .get("bench")
    .queue.getJobCounts("waiting", "delayed", "prioritized", "completed");
  const queued = (counts.waiting ?? 0) + (counts.delayed ?? 0) + (counts.prioritized ?? 0);
  return { counts, queued };
}

const KB = 1024;

/**
 * The sync as a library call (`telesync.sync(source)`) in a child process of its own, then its
 * baseline in another: raw BullMQ `addBulk` of the same payloads (with the same delays) into a
 * fresh queue. Both on the same Redis, one after the other.
 */
export async function syncBench(options: SyncBenchOptions & { clock?: SyncClock }): Promise<BenchResult> {
  const count = options.count ?? 100_000;
  const clockName = options.clock ?? "business";
  const prefix = benchPrefix();
  const rawPrefix = benchPrefix();
  const sandbox = await startCliSandbox(count);
  const redis = new Redis(options.redisUrl);
  let telesync: Telesync | undefined;
  try {
    const { offsetMs, label } = clockFor(clockName);
    const config = rawConfig(sandbox.url, options.redisUrl, prefix, "inline");
    const before = await usedMemory(redis);
    const sync = await runChild<SyncChildResult>("sync", "support/sync-child.js", [
      JSON.stringify(config),
      String(offsetMs),
    ]);
    const after = await usedMemory(redis);
    const parsed = configSchema.parse(config);
    telesync = createTelesync({ config: parsed });
    const { counts, queued } = await queueFigures(telesync);
    const memory = await prefixMemory(redis, prefix);
    const raw = await runChild<RawChildResult>("raw", "support/raw-addbulk-child.js", [
      options.redisUrl,
      prefix,
      telesync.dialQueues.get("bench").queue.name,
      rawPrefix,
      String(parsed.sync.bulkSize),
    ]);
    const rawMemory = await prefixMemory(redis, rawPrefix);
    const report = sync.report;
    const records = numberField(report, "records") ?? 0;
    const held = numberField(report, "held") ?? 0;
    const blocked = numberField(report, "blocked");
    const leadsPerSecond = records / sync.seconds;
    const rawPerSecond = raw.jobs / raw.seconds;
    const bytesPerLead = memory.bytes / Math.max(1, queued);
    const rawBytesPerJob = rawMemory.bytes / Math.max(1, raw.jobs);
    const kind = held > 0 ? "held" : "not held";
    const per100k = (cpu: number, n: number) => round((cpu * 100_000) / Math.max(1, n), 1);
    const rssTarget = 300;
    return {
      name: `sync ${count.toLocaleString("en-US")} (in-process, ${clockName === "night" ? "night: held" : "business hours"})`,
      command: `node build/bench/sync-100k.js ${count}${clockName === "night" ? " --night" : ""}`,
      sandbox:
        "child process (`node bin/telesync.js sandbox --port 0 --seed N`): not in the RSS or CPU figures",
      layout:
        "telesync.sync() in a child process of its own (support/sync-child.js); then raw BullMQ addBulk of the same payloads in another (support/raw-addbulk-child.js)",
      clock: `${label}; ${held.toLocaleString("en-US")} of ${records.toLocaleString("en-US")} leads held`,
      comparisons: [
        compare({
          figure: "sync leads/s",
          unit: "leads/s",
          value: Math.round(leadsPerSecond),
          baseline: "raw BullMQ addBulk of the same payloads, same Redis, same run",
          baselineValue: Math.round(rawPerSecond),
          better: "higher",
          target: "≥ 0.5× raw addBulk",
          minRatio: 0.5,
        }),
        {
          ...compare({
            figure: `Redis bytes per lead (${kind})`,
            unit: "bytes",
            value: Math.round(bytesPerLead),
            baseline: "raw BullMQ job of the same payload (MEMORY USAGE over its prefix)",
            baselineValue: Math.round(rawBytesPerJob),
            better: "lower",
            target: "≤ 1.5 KB per lead",
          }),
          met: bytesPerLead <= 1.5 * KB,
        },
        {
          ...compare({
            figure: "peak RSS",
            unit: "MiB",
            value: mib(sync.peakRss),
            baseline: "raw addBulk process (payloads streamed in chunks of the bulk size)",
            baselineValue: mib(raw.peakRss),
            better: "lower",
            target: `≤ ${rssTarget} MiB (at 1M leads; flat ±20% from 100k)`,
          }),
          met: mib(sync.peakRss) <= rssTarget,
        },
        compare({
          figure: "CPU s per 100k leads",
          unit: "s",
          value: per100k(sync.cpuSeconds, records),
          baseline: "raw addBulk CPU s per 100k jobs",
          baselineValue: per100k(raw.cpuSeconds, raw.jobs),
          better: "lower",
        }),
      ],
      figures: {
        leads: count,
        records,
        pages: numberField(report, "pages") ?? 0,
        added: numberField(report, "added") ?? 0,
        skipped: numberField(report, "skipped") ?? 0,
        held,
        ...(blocked === undefined ? {} : { blocked }),
        "queued (waiting+delayed)": queued,
        waiting: counts.waiting ?? 0,
        delayed: counts.delayed ?? 0,
        seconds: round(sync.seconds, 2),
        "leads/s": Math.round(leadsPerSecond),
        "raw addBulk jobs/s": Math.round(rawPerSecond),
        "cpu s (user+sys)": round(sync.cpuSeconds, 1),
        "raw addBulk cpu s": round(raw.cpuSeconds, 1),
        "peak RSS MiB": mib(sync.peakRss),
        "raw addBulk peak RSS MiB": mib(raw.peakRss),
        "RSS before sync MiB": mib(sync.rssBefore),
        "redis keys": memory.keys,
        "redis bytes/queued lead (MEMORY USAGE of prefix)": Math.round(bytesPerLead),
        "raw redis bytes/job (MEMORY USAGE of prefix)": Math.round(rawBytesPerJob),
        "redis used_memory delta/queued lead": Math.round((after - before) / Math.max(1, queued)),
        "sandbox start+seed s": round(sandbox.seedSeconds, 1),
      },
      headline: ["leads/s", "peak RSS MiB", "redis bytes/queued lead (MEMORY USAGE of prefix)"],
      notes: [
        "peak RSS is each child's maximum since start (getrusage ru_maxrss)",
        "raw addBulk time counts the addBulk calls only (each chunk is read back from the synced queue untimed); the sync's time includes pulling the pages over HTTP from the sandbox",
        "used_memory delta is server-wide (other clients of the same Redis count in it); MEMORY USAGE over the bench prefix is the figure to trust",
        ...(process.env.BENCH_CPU_PROF ? [`CPU profiles written to ${process.env.BENCH_CPU_PROF}`] : []),
      ],
    };
  } finally {
    await telesync?.close();
    await dropBenchPrefix(options.redisUrl, prefix);
    await dropBenchPrefix(options.redisUrl, rawPrefix);
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
    // The CLI's sync-time gate on US business hours, like the library runs: the same result at any hour.
    const at = new Date(businessHoursInstant()).toISOString();
    const args = [process.execPath, "bin/telesync.js", "sync", "bench", "--config", configFile, "--at", at];
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
    const shown = `/usr/bin/time -v node bin/telesync.js sync bench --config ${configFile} --at ${at}`;
    return {
      name: `sync ${count.toLocaleString("en-US")} (CLI)`,
      command: `node bin/telesync.js sandbox --port ${port} --seed ${count} &  ${shown}`,
      sandbox: `child process (\`node bin/telesync.js sandbox --port ${port} --seed ${count}\`)`,
      layout:
        "the CLI in its own process, measured by /usr/bin/time -v; `--at` sets its sync-time gate to US business hours",
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
      clock: `telesync sync --at ${at} (US business hours); ${held ?? "?"} leads held`,
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
      : await syncBench({
          count,
          redisUrl: local.url,
          clock: args.includes("--night") ? "night" : "business",
        });
    printResult(result);
  } finally {
    local.stop();
  }
}
