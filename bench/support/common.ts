import { randomBytes } from "node:crypto";
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { dropPrefix } from "../../src/runtime/drop-prefix.js";

/** A figure: a number (with its unit in the name) or a short text. */
export type Figure = number | string;

/** What every benchmark hands back to `run.ts` (and prints as JSON). */
export interface BenchResult {
  /** Row label in the final table, e.g. `writeback 20,000`. */
  name: string;
  /** The command a person can run to get this figure again. */
  command: string;
  /** Where the CRM sandbox ran, and why. */
  sandbox: string;
  /** Where the measured telesync code ran. */
  layout: string;
  figures: Record<string, Figure>;
  /**
   * Each headline figure beside its baseline measured in the same run (raw BullMQ, raw addBulk, a
   * trivial Fastify route, the vendor's ceiling), the ratio, and the target when there is one.
   * `run.ts` prints these as the comparison table and writes them to `bench/results.json`.
   */
  comparisons?: Comparison[];
  /** Which clock telesync ran on (driven to business hours, or the wall clock and how many leads were held). */
  clock?: string;
  /** Figure names for the one-line summary (default: the first three). */
  headline?: string[];
  notes: string[];
}

/** One figure beside its same-run baseline. `ratio` = value / baseline, or baseline / value when lower is better. */
export interface Comparison {
  figure: string;
  unit: string;
  value: number;
  baseline: string;
  baselineValue: number;
  /** How many times the baseline telesync achieves (≥ 1 is at least as good), whichever way is better. */
  ratio: number;
  /** "higher" (throughput) or "lower" (latency, memory) is better. */
  better: "higher" | "lower";
  /** The target as the issue states it, e.g. "≥ 0.5× raw", and whether this run met it. */
  target?: string;
  met?: boolean;
}

/** A comparison with its ratio worked out (value / baseline for "higher", baseline / value for "lower"). */
export function compare(c: Omit<Comparison, "ratio" | "met"> & { minRatio?: number }): Comparison {
  const ratio = c.better === "higher" ? c.value / c.baselineValue : c.baselineValue / c.value;
  const { minRatio, ...rest } = c;
  return {
    ...rest,
    ratio: round(ratio, 3),
    ...(minRatio !== undefined ? { met: ratio >= minRatio } : {}),
  };
}

export function printResult(result: BenchResult): void {
  console.log(JSON.stringify(result, null, 2));
}

/** True when this module is the script node was started with (keeps `node build/bench/x.js` working). */
export function isMain(moduleUrl: string): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}

/** A Redis key prefix no other run uses, hash-tagged like production: `{telesync-bench-<hex>}`. */
export function benchPrefix(): string {
  return `{telesync-bench-${randomBytes(4).toString("hex")}}`;
}

/** Delete every key under the prefix (SCAN + DEL in chunks: safe for hundreds of thousands of keys). */
export function dropBenchPrefix(redisUrl: string, prefix: string): Promise<void> {
  return dropPrefix(redisUrl, prefix);
}

/** `INFO memory` used_memory: the whole server, so other clients of the same Redis show up in it. */
export async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info("memory");
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
}

/** Bytes held by the keys under `prefix` (`MEMORY USAGE key SAMPLES 0` summed over a SCAN). */
export async function prefixMemory(redis: Redis, prefix: string): Promise<{ keys: number; bytes: number }> {
  let cursor = "0";
  let keys = 0;
  let bytes = 0;
  do {
    const [next, batch] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 2000);
    cursor = next;
    if (batch.length === 0) continue;
    const pipeline = redis.pipeline();
    for (const key of batch) pipeline.call("MEMORY", "USAGE", key, "SAMPLES", "0");
    for (const [error, value] of (await pipeline.exec()) ?? []) {
      if (error) throw error;
      if (typeof value === "number") {
        keys++;
        bytes += value;
      }
    }
  } while (cursor !== "0");
  return { keys, bytes };
}

/** Nearest-rank percentile of already sorted values (ms). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export function latencySummary(values: readonly number[]): Record<string, number> {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, v) => sum + v, 0) / Math.max(1, sorted.length);
  return {
    n: sorted.length,
    p50: round(percentile(sorted, 50), 2),
    p95: round(percentile(sorted, 95), 2),
    p99: round(percentile(sorted, 99), 2),
    max: round(sorted.at(-1) ?? Number.NaN, 2),
    mean: round(mean, 2),
  };
}

export function round(value: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function mib(bytes: number): number {
  return round(bytes / 1024 / 1024, 1);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Poll `check` every `everyMs` until it returns a value, or fail after `timeoutMs`. */
export async function waitFor<T>(
  check: () => Promise<T | undefined> | T | undefined,
  what: string,
  timeoutMs: number,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** A number field of a record that may or may not have it (sync reports grow fields). */
export function numberField(record: object, field: string): number | undefined {
  const value = (record as Record<string, unknown>)[field];
  return typeof value === "number" ? value : undefined;
}

/**
 * The instant telesync's clock should show in the queue benchmarks: the next Tuesday, Wednesday or
 * Thursday at 19:00 UTC (15:00/14:00 in New York, 12:00/11:00 in Los Angeles, 09:00/08:00 in
 * Honolulu), skipping a few holiday dates, so the sync- and lease-time compliance gate lets the
 * sandbox's US leads through whatever the wall-clock hour is. Always ahead of the wall clock and
 * less than a week away: the sandbox runs on real time and only answers `/deleted` for 15 days back.
 */
export function businessHoursInstant(now = Date.now()): number {
  const day = new Date(now);
  for (let d = 0; d < 14; d++) {
    const candidate = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate() + d, 19);
    const date = new Date(candidate);
    const weekday = date.getUTCDay();
    const md = `${date.getUTCMonth() + 1}-${date.getUTCDate()}`;
    const thanksgiving =
      date.getUTCMonth() === 10 && weekday === 4 && date.getUTCDate() >= 22 && date.getUTCDate() <= 28;
    const holiday = ["1-1", "7-3", "7-4", "11-11", "12-24", "12-25", "12-31"].includes(md) || thanksgiving;
    if (candidate > now && weekday >= 2 && weekday <= 4 && !holiday) return candidate;
  }
  throw new Error("no business-hours instant in the next two weeks");
}

/** Offset (ms) to add to the wall clock so that now reads `businessHoursInstant()`. */
export function businessHoursOffset(): number {
  const now = Date.now();
  return businessHoursInstant(now) - now;
}

export function offsetClock(offsetMs: number): () => Date {
  return () => new Date(Date.now() + offsetMs);
}

/** For result labels: what telesync's clock read at the start, e.g. `telesync clock 2026-12-01T19:00Z (Tue)`. */
export function clockLabel(offsetMs: number): string {
  const at = new Date(Date.now() + offsetMs);
  const weekday = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][at.getUTCDay()];
  return `telesync clock offset to ${at.toISOString().slice(0, 16)}Z (${weekday}, US business hours)`;
}

/** redis-server counters so far: CPU seconds (INFO cpu: sys + user) and commands processed (INFO stats). */
export async function redisCounters(
  redisUrl: string,
): Promise<{ cpu: number; commands: number; byCommand: Record<string, number> }> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    const info = `${await redis.info("cpu")}\n${await redis.info("stats")}`;
    const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, "m").exec(info)?.[1] ?? 0);
    const byCommand: Record<string, number> = {};
    for (const match of (await redis.info("commandstats")).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm))
      byCommand[match[1] as string] = Number(match[2]);
    return {
      cpu: field("used_cpu_sys") + field("used_cpu_user"),
      commands: field("total_commands_processed"),
      byCommand,
    };
  } finally {
    redis.disconnect();
  }
}

/** The commands that grew most between two `redisCounters` snapshots, per unit of work. */
export function topCommands(
  before: Record<string, number>,
  after: Record<string, number>,
  per: number,
  top = 10,
): string {
  return Object.entries(after)
    .map(([name, calls]) => [name, (calls - (before[name] ?? 0)) / Math.max(1, per)] as const)
    .filter(([, d]) => d > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, d]) => `${name} ${d.toFixed(1)}`)
    .join(", ");
}
