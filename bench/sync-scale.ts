/**
 * The sync's memory as it grows: the night sync (every lead held, the heavier path) at two sizes,
 * 100k and 1M by default, each in its own child as `sync-night` runs it. The bound: peak
 * RSS ≤ 300 MiB at 1M and flat (within ±20%) from 100k to 1M; beside it, leads/s against raw
 * `addBulk` at the larger size. Minutes (seeding the sandbox with 1M leads dominates): run it by
 * name, outside `all`.
 *
 *   npm run build && node build/bench/run.js sync-scale [--scale-counts 100000,1000000]
 */
import { type BenchResult, type Comparison, compare, type Figure, round } from "./support/common.js";
import { syncBench } from "./sync-100k.js";

const rssTargetMiB = 300;

function figure(result: BenchResult, name: string): number {
  const value = result.figures[name];
  if (typeof value !== "number") throw new Error(`${result.name}: no figure "${name}"`);
  return value;
}

export async function syncScaleBench(options: { redisUrl: string; counts: number[] }): Promise<BenchResult> {
  const [small, large] = options.counts;
  if (small === undefined || large === undefined || !(large > small))
    throw new Error(`sync-scale: expected two sizes, smaller first (got ${options.counts.join(",")})`);
  const runs: BenchResult[] = [];
  for (const count of [small, large])
    runs.push(await syncBench({ count, redisUrl: options.redisUrl, clock: "night" }));
  const [smallRun, largeRun] = runs as [BenchResult, BenchResult];
  const rss = (run: BenchResult) => figure(run, "peak RSS MiB");
  const figures: Record<string, Figure> = {};
  for (const [count, run] of [
    [small, smallRun],
    [large, largeRun],
  ] as const) {
    const label = count.toLocaleString("en-US");
    figures[`${label}: peak RSS MiB (raw addBulk)`] =
      `${rss(run)} (${figure(run, "raw addBulk peak RSS MiB")})`;
    figures[`${label}: leads/s (raw addBulk jobs/s)`] =
      `${figure(run, "leads/s")} (${figure(run, "raw addBulk jobs/s")})`;
    figures[`${label}: held`] = figure(run, "held");
  }
  const growth = rss(largeRun) / rss(smallRun);
  figures[`peak RSS growth ${small.toLocaleString("en-US")} → ${large.toLocaleString("en-US")}`] =
    `${round((growth - 1) * 100, 1)}%`;
  const comparisons: Comparison[] = [
    compare({
      figure: `peak RSS at ${large.toLocaleString("en-US")} leads (night, all held)`,
      unit: "MiB",
      value: rss(largeRun),
      baseline: "the issue's bound",
      baselineValue: rssTargetMiB,
      better: "lower",
      target: `≤ ${rssTargetMiB} MiB`,
      maxValue: rssTargetMiB,
    }),
    compare({
      figure: `peak RSS at ${large.toLocaleString("en-US")} leads vs at ${small.toLocaleString("en-US")}`,
      unit: "MiB",
      value: rss(largeRun),
      baseline: `peak RSS at ${small.toLocaleString("en-US")} leads, same run`,
      baselineValue: rss(smallRun),
      better: "lower",
      target: "flat within ±20%",
      // Ratio = small ÷ large: within ±20% is ratio ≥ 1/1.2, and no more than 20% below.
      minRatio: 1 / 1.2,
      minValue: rss(smallRun) * 0.8,
    }),
    compare({
      figure: `sync leads/s at ${large.toLocaleString("en-US")} leads (night, all held)`,
      unit: "leads/s",
      value: figure(largeRun, "leads/s"),
      baseline: "raw BullMQ addBulk of the same payloads, same Redis, same run",
      baselineValue: figure(largeRun, "raw addBulk jobs/s"),
      better: "higher",
      target: "≥ 0.5× raw addBulk",
      minRatio: 0.5,
    }),
  ];
  return {
    name: `sync memory, ${small.toLocaleString("en-US")} → ${large.toLocaleString("en-US")} leads (night)`,
    command: `node build/bench/run.js sync-scale --scale-counts ${small},${large}`,
    sandbox: smallRun.sandbox,
    layout: `two sync-night runs, one per size, each in its own children (${smallRun.layout})`,
    clock: `${smallRun.clock} | ${largeRun.clock}`,
    figures,
    comparisons,
    headline: Object.keys(figures).slice(0, 2),
    notes: ["peak RSS is each sync child's maximum since start (getrusage ru_maxrss), read as in sync-night"],
  };
}
