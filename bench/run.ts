/**
 * telesync benchmarks. Runs the selected benchmarks one at a time (default: all), prints each
 * result as JSON, then a markdown table of every figure and the machine.
 *
 *   npm run bench                                   # = npm run build && node build/bench/run.js
 *   node build/bench/run.js sync writeback           # some of them
 *   node build/bench/run.js writeback --writeback-sizes 1000
 *
 * Benchmarks: sync (sync-lib + sync-night + sync-cli), sync-lib, sync-night, sync-cli, writeback, lease, due-block, hubspot,
 * rate-headers, lookup, cdc, gate, scale (not in `all`: ~6 min), sync-scale (not in `all`: 100k and 1M night syncs).
 * Options: --sync-count N (50000), --writeback-sizes a,b (5000),
 * --writeback-clients M (20), --trickle-rate R (50/s), --trickle-seconds S (20), --leases N (1000 per phase),
 * --agents N,M (50,200), --paced-agents N (200; 0 skips), --burst-rounds N (3), --hold-ms MIN-MAX (100-500), --hubspot-outcomes N (4000), --hubspot-real L (10), --hubspot-configured C (100),
 * --lookups N (500), --cdc-count N (100), --results FILE (bench/results.json; "-" for none),
 * --scale-outcomes N (1200), --scale-agents N (16), --scale-counts SMALL,LARGE (100000,1000000).
 * BENCH_CPU_PROF=<dir> profiles the service child (writeback, lease) and the sync child with --cpu-prof.
 *
 * Every benchmark's `comparisons` (figure beside its same-run baseline, ratio, target) are printed as
 * one table at the end and written, with every figure, the machine and the load, to the results file.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import { ensureLocalRedis } from "../src/runtime/local-redis.js";
import { cdcOptOutBench } from "./cdc-optout-latency.js";
import { gateBench } from "./compliance-gate.js";
import { dueBlockBench } from "./due-block.js";
import { hubspotBench } from "./hubspot.js";
import { rateHeadersBench } from "./hubspot-rate-headers.js";
import { leaseBench } from "./lease-latency.js";
import { lookupBench } from "./lookup.js";
import { scaleOutBench } from "./scale-out.js";
import { type BenchResult, type Comparison, type Figure, printResult, round } from "./support/common.js";
import { syncBench, syncCliBench } from "./sync-100k.js";
import { syncScaleBench } from "./sync-scale.js";
import { writebackBench } from "./writeback.js";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    // Three syncs of this size (business hours, night, CLI) keep the sync part near 3 minutes.
    "sync-count": { type: "string", default: "50000" },
    "writeback-sizes": { type: "string", default: "5000" },
    "writeback-clients": { type: "string", default: "20" },
    "trickle-rate": { type: "string", default: "50" },
    "trickle-seconds": { type: "string", default: "20" },
    leases: { type: "string", default: "1000" },
    agents: { type: "string", default: "50,200" },
    "paced-agents": { type: "string", default: "200" },
    "burst-rounds": { type: "string", default: "3" },
    "hold-ms": { type: "string", default: "100-500" },
    "hubspot-outcomes": { type: "string", default: "4000" },
    "hubspot-real": { type: "string", default: "10" },
    "hubspot-configured": { type: "string", default: "100" },
    lookups: { type: "string", default: "500" },
    "cdc-count": { type: "string", default: "100" },
    results: { type: "string", default: "bench/results.json" },
    "scale-outcomes": { type: "string", default: "1200" },
    "scale-agents": { type: "string", default: "16" },
    "scale-counts": { type: "string", default: "100000,1000000" },
    help: { type: "boolean", short: "h" },
  },
});

/** `--hold-ms 100-500` → [100, 500]. */
function holdRange(text: string): [number, number] {
  const [min, max] = text.split("-").map(Number);
  if (min === undefined || max === undefined || !(min >= 0 && max >= min))
    throw new Error(`--hold-ms: expected MIN-MAX in ms, got "${text}"`);
  return [min, max];
}

const order = [
  "sync-lib",
  "sync-night",
  "sync-cli",
  "writeback",
  "lease",
  "due-block",
  "hubspot",
  "rate-headers",
  "lookup",
  "cdc",
  "gate",
  "scale",
  "sync-scale",
] as const;
type Name = (typeof order)[number];
// `scale` starts clusters and 2 × 4 service processes (~6 min), `sync-scale` seeds and syncs 1M leads
// (minutes): run them by name, outside the 10-minute `all`.
const aliases: Record<string, readonly Name[]> = {
  all: order.filter((name) => name !== "scale" && name !== "sync-scale"),
  sync: ["sync-lib", "sync-night", "sync-cli"],
};

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
      writebackBench({
        redisUrl,
        outcomes: size,
        clients: Number(values["writeback-clients"]),
        trickleRate: Number(values["trickle-rate"]),
        trickleSeconds: Number(values["trickle-seconds"]),
      }),
  ),
  "due-block": [() => dueBlockBench()],
  lease: [
    () =>
      leaseBench({
        redisUrl,
        leases: Number(values.leases),
        agents: (values.agents ?? "50,200")
          .split(",")
          .map(Number)
          .filter((n) => n > 0),
        pacedAgents: Number(values["paced-agents"]),
        burstRounds: Number(values["burst-rounds"]),
        holdMs: holdRange(values["hold-ms"] ?? "100-500"),
      }),
  ],
  hubspot: [
    () =>
      hubspotBench({
        redisUrl,
        outcomes: Number(values["hubspot-outcomes"]),
        realBurst: Number(values["hubspot-real"]),
        burst: Number(values["hubspot-configured"]),
      }),
  ],
  "rate-headers": [() => rateHeadersBench({ redisUrl })],
  lookup: [() => lookupBench({ redisUrl, numbers: Number(values.lookups) })],
  cdc: [() => cdcOptOutBench({ redisUrl, count: Number(values["cdc-count"]) })],
  gate: [async () => gateBench()],
  "sync-scale": [
    () => syncScaleBench({ redisUrl, counts: (values["scale-counts"] ?? "").split(",").map(Number) }),
  ],
  scale: [
    () =>
      scaleOutBench({ outcomes: Number(values["scale-outcomes"]), agents: Number(values["scale-agents"]) }),
  ],
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
const num = (value: number) => value.toLocaleString("en-US", { maximumFractionDigits: 2 });

const lines: string[] = [];
const cpuList = cpus();
const finishedAt = new Date();
const machine = {
  cpus: cpuList.length,
  cpuModel: cpuList[0]?.model.trim() ?? "?",
  ramGiB: round(totalmem() / 2 ** 30, 1),
  node: process.version,
  platform: `${process.platform}/${process.arch}`,
  redis: await redisVersion(),
  redisUrl,
};
const loadAtEnd = loadavg();
const code = gitState();
lines.push("", "# telesync benchmarks", "");
lines.push(
  `Machine: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.ramGiB} GiB RAM, ` +
    `Node ${machine.node} on ${machine.platform}, Redis ${machine.redis} at ${redisUrl}; ` +
    `load average (1/5/15 min) at start ${load.map((l) => l.toFixed(2)).join(" ")}, at end ${loadAtEnd.map((l) => l.toFixed(2)).join(" ")}; ` +
    `started ${startedAt.toISOString()}, took ${round((finishedAt.getTime() - startedAt.getTime()) / 1000)} s; code: ${code}.`,
);

/** Every comparison, one table: the figure, telesync's value, the same-run baseline, ratio, target, met. */
const comparisons = results.flatMap((r) => (r.comparisons ?? []).map((c) => ({ bench: r.name, ...c })));
if (comparisons.length > 0) {
  lines.push(
    "",
    "## Figures beside their same-run baselines",
    "",
    "ratio = how many times the baseline telesync achieves, whichever way is better (≥ 1: at least as good).",
    "",
    "| benchmark | figure | telesync | baseline | ratio | target | met |",
    "|---|---|---:|---|---:|---|---|",
  );
  for (const c of comparisons)
    lines.push(
      `| ${md(c.bench)} | ${md(c.figure)} (${md(c.unit)}, ${c.better} is better) | ${num(c.value)} | ` +
        `${md(c.baseline)}: ${num(c.baselineValue)} | ${num(c.ratio)}× | ${md(c.target ?? "—")} | ` +
        `${c.met === undefined ? "—" : c.met ? "yes" : "**no**"} |`,
    );
}
lines.push("", "## Clocks", "");
for (const r of results)
  lines.push(`- ${md(r.name)}: ${r.clock ?? "not stated by this benchmark (see its layout below)"}`);

lines.push("", "## Headlines", "", "| benchmark | headline | took s |", "|---|---|---|");
for (const r of results) {
  const keys = r.headline ?? Object.keys(r.figures).slice(0, 3);
  const headline = keys
    .filter((k) => r.figures[k] !== undefined)
    .map((k) => `${k}: **${cell(r.figures[k] as Figure)}**`)
    .join("; ");
  lines.push(`| ${md(r.name)} | ${md(headline)} | ${r.took} |`);
}
lines.push("", "## Every figure", "", "| benchmark | figure | value |", "|---|---|---:|");
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

const resultsFile = values.results ?? "bench/results.json";
if (resultsFile !== "-") {
  const document = {
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    seconds: round((finishedAt.getTime() - startedAt.getTime()) / 1000, 1),
    code,
    command: `node build/bench/run.js ${process.argv.slice(2).join(" ")}`.trim(),
    machine,
    loadAverage: { atStart: load.map((l) => round(l, 2)), atEnd: loadAtEnd.map((l) => round(l, 2)) },
    comparisons: comparisons satisfies Array<Comparison & { bench: string }>,
    results,
    failures,
  };
  writeFileSync(resultsFile, `${JSON.stringify(document, null, 2)}\n`);
  console.error(`\nwrote ${resultsFile}`);
}

local.stop();
process.exitCode = failures.length > 0 ? 1 : 0;
