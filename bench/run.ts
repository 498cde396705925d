/**
 * telesync benchmarks. Runs the selected benchmarks one at a time (default: all), prints each
 * result as JSON, then a markdown table of every figure and the machine.
 *
 *   npm run bench                                   # = npm run build && node build/bench/run.js
 *   node build/bench/run.js sync writeback           # some of them
 *   node build/bench/run.js writeback --writeback-sizes 1000
 *
 * Benchmarks: sync (sync-lib + sync-night + sync-cli), sync-lib, sync-night, sync-cli, writeback, lease, hubspot, gate.
 * Options: --sync-count N (50000), --writeback-sizes a,b (1000,20000), --writeback-clients M (20),
 *          --leases N (10000), --agents N (50), --hubspot-outcomes N (1000).
 * BENCH_CPU_PROF=<dir> profiles the service child (writeback, lease) and the sync child with --cpu-prof.
 */
import { execFileSync } from "node:child_process";
import { cpus, loadavg, totalmem } from "node:os";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import { ensureLocalRedis } from "../src/runtime/local-redis.js";
import { gateBench } from "./compliance-gate.js";
import { hubspotBench } from "./hubspot.js";
import { leaseBench } from "./lease-latency.js";
import { type BenchResult, type Figure, printResult, round } from "./support/common.js";
import { syncBench, syncCliBench } from "./sync-100k.js";
import { writebackBench } from "./writeback.js";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    // Three syncs of this size (business hours, night, CLI) keep the sync part near 3 minutes.
    "sync-count": { type: "string", default: "50000" },
    "writeback-sizes": { type: "string", default: "1000,20000" },
    "writeback-clients": { type: "string", default: "20" },
    leases: { type: "string", default: "10000" },
    agents: { type: "string", default: "50" },
    "hubspot-outcomes": { type: "string", default: "1000" },
    help: { type: "boolean", short: "h" },
  },
});

const order = ["sync-lib", "sync-night", "sync-cli", "writeback", "lease", "hubspot", "gate"] as const;
type Name = (typeof order)[number];
const aliases: Record<string, readonly Name[]> = { all: order, sync: ["sync-lib", "sync-night", "sync-cli"] };

if (values.help) {
  console.log(
    `usage: node build/bench/run.js [${[...Object.keys(aliases), ...order].join("|")}]... [options]`,
  );
  process.exit(0);
}

const requested = positionals.length === 0 ? ["all"] : positionals;
const selected = new Set<Name>();
for (const name of requested) {
  const names = aliases[name] ?? ((order as readonly string[]).includes(name) ? [name as Name] : undefined);
  if (!names) {
    console.error(`unknown benchmark "${name}" (known: ${[...Object.keys(aliases), ...order].join(", ")})`);
    process.exit(2);
  }
  for (const n of names) selected.add(n);
}

const local = await ensureLocalRedis();
const redisUrl = local.url;
const syncCount = Number(values["sync-count"]);
const startedAt = new Date();
const load = loadavg();

const writebackSizes = (values["writeback-sizes"] ?? "")
  .split(",")
  .map(Number)
  .filter((s) => s > 0);
/** Each benchmark as one or more runs (writeback: one per size), run one at a time. */
const benches: Record<Name, Array<() => Promise<BenchResult>>> = {
  "sync-lib": [() => syncBench({ count: syncCount, redisUrl, clock: "business" })],
  "sync-night": [() => syncBench({ count: syncCount, redisUrl, clock: "night" })],
  "sync-cli": [() => syncCliBench({ count: syncCount, redisUrl })],
  writeback: writebackSizes.map(
    (size) => () =>
      writebackBench({ redisUrl, outcomes: size, clients: Number(values["writeback-clients"]) }),
  ),
  lease: [() => leaseBench({ redisUrl, leases: Number(values.leases), agents: Number(values.agents) })],
  hubspot: [() => hubspotBench({ redisUrl, outcomes: Number(values["hubspot-outcomes"]) })],
  gate: [async () => gateBench()],
};

const results: Array<BenchResult & { took: number }> = [];
const failures: Array<{ name: string; error: string }> = [];
for (const name of order) {
  if (!selected.has(name)) continue;
  for (const bench of benches[name]) {
    console.error(`\n## ${name} …`);
    const t0 = performance.now();
    try {
      const result = await bench();
      printResult(result);
      results.push({ ...result, took: round((performance.now() - t0) / 1000, 1) });
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      console.error(`${name} failed: ${message}`);
      failures.push({ name, error: error instanceof Error ? error.message : String(error) });
    }
    console.error(`## ${name} took ${round((performance.now() - t0) / 1000, 1)} s`);
  }
}

async function redisVersion(): Promise<string> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    return /redis_version:(\S+)/.exec(await redis.info("server"))?.[1] ?? "?";
  } catch {
    return "?";
  } finally {
    redis.disconnect();
  }
}

/** The code measured: HEAD plus how many files differ from it (figures of a dirty tree say so). */
function gitState(): string {
  try {
    const head = execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--", "src", "connectors"], {
      encoding: "utf8",
    })
      .split("\n")
      .filter(Boolean).length;
    return dirty > 0 ? `${head} + ${dirty} uncommitted paths under src/ and connectors/` : head;
  } catch {
    return "?";
  }
}

const cell = (value: Figure) =>
  typeof value === "number" ? value.toLocaleString("en-US", { maximumFractionDigits: 2 }) : value;
const md = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

const lines: string[] = [];
const cpuList = cpus();
lines.push("", "# telesync benchmarks", "");
lines.push(
  `Machine: ${cpuList.length} CPUs (${cpuList[0]?.model.trim() ?? "?"}), ${round(totalmem() / 2 ** 30, 1)} GiB RAM, ` +
    `Node ${process.version} on ${process.platform}/${process.arch}, Redis ${await redisVersion()} at ${redisUrl}; ` +
    `load average at start ${load.map((l) => l.toFixed(2)).join(" ")}; started ${startedAt.toISOString()}; ` +
    `code: ${gitState()}.`,
);
lines.push("", "| benchmark | headline | took s |", "|---|---|---|");
for (const r of results) {
  const keys = r.headline ?? Object.keys(r.figures).slice(0, 3);
  const headline = keys
    .filter((k) => r.figures[k] !== undefined)
    .map((k) => `${k}: **${cell(r.figures[k] as Figure)}**`)
    .join("; ");
  lines.push(`| ${md(r.name)} | ${md(headline)} | ${r.took} |`);
}
lines.push("", "| benchmark | figure | value |", "|---|---|---:|");
for (const r of results)
  for (const [key, value] of Object.entries(r.figures))
    lines.push(`| ${md(r.name)} | ${md(key)} | ${md(String(cell(value)))} |`);
lines.push("", "| benchmark | command | sandbox | telesync under test |", "|---|---|---|---|");
for (const r of results)
  lines.push(`| ${md(r.name)} | \`${md(r.command)}\` | ${md(r.sandbox)} | ${md(r.layout)} |`);
const notes = results.flatMap((r) => r.notes.map((n) => `- ${r.name}: ${n}`));
if (notes.length > 0) lines.push("", "Notes:", ...notes);
if (failures.length > 0) lines.push("", "Failed:", ...failures.map((f) => `- ${f.name}: ${f.error}`));
console.log(lines.join("\n"));

local.stop();
process.exitCode = failures.length > 0 ? 1 : 0;
