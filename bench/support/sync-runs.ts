/** The sync benchmark's clocks and its child processes (the sync, and raw addBulk as its baseline). */
import { benchScript, spawnNode } from "./child.js";
import { businessHoursOffset, clockLabel } from "./common.js";

/** Which instant telesync's clock shows during the sync, and what that means for the US leads. */
export type SyncClock = "business" | "night";

/**
 * `business`: `businessHoursInstant()` (19:00 UTC on a Tue–Thu), the gate lets the US leads through.
 * `night`: 13 hours later, 08:00 UTC (03:00 in New York, 00:00 in Los Angeles, 22:00 in Honolulu),
 * outside every US calling window, so the gate holds every lead until its window opens.
 */
export function clockFor(clock: SyncClock): { offsetMs: number; label: string } {
  const offsetMs = businessHoursOffset() + (clock === "night" ? 13 * 3_600_000 : 0);
  if (clock === "business") return { offsetMs, label: clockLabel(offsetMs) };
  const at = new Date(Date.now() + offsetMs);
  const weekday = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][at.getUTCDay()];
  return {
    offsetMs,
    label: `telesync clock offset to ${at.toISOString().slice(0, 16)}Z (${weekday}, 08:00 UTC, 03:00 EST in New York: night for every US lead)`,
  };
}

interface ChildRun {
  seconds: number;
  cpuSeconds: number;
  peakRss: number;
  peakBefore: number;
}
export type SyncChildResult = ChildRun & { report: Record<string, unknown>; rssBefore: number };
export type RawChildResult = ChildRun & { jobs: number; delayed: number };

/** A bench child (`support/<script>`) run to completion; its `RESULT` line. */
export async function runChild<T>(label: string, script: string, args: string[]): Promise<T> {
  const profileDir = process.env.BENCH_CPU_PROF;
  const child = spawnNode(label, benchScript(script), args, {
    execArgv: profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [],
  });
  const exited = new Promise<void>((resolve) => child.process.once("exit", () => resolve()));
  try {
    const result = await child.next<T>("RESULT", 30 * 60_000);
    // Let it exit by itself: --cpu-prof writes its profile at exit, not when killed.
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 60_000))]);
    return result;
  } finally {
    await child.stop(5_000);
  }
}
