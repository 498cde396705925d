import { latencySummary } from "./common.js";

export interface Pass {
  perSecond: number;
  found: number;
  ms: Record<string, number>;
}

/** Closed loop: `callers` concurrent loops over calls 0…count−1, each call timed from its send. */
export async function closedLoop(
  count: number,
  callers: number,
  call: (i: number) => Promise<number>,
): Promise<Pass> {
  const latencies: number[] = [];
  let next = 0;
  let found = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: callers }, async () => {
      for (;;) {
        const i = next++;
        if (i >= count) return;
        const t0 = performance.now();
        // Read the count before adding: `found += await …` would add to the value `found` had
        // before the await, losing every other caller's additions in between.
        const records = await call(i);
        latencies.push(performance.now() - t0);
        found += records;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: Math.round(count / seconds), found, ms: latencySummary(latencies) };
}

/**
 * Poisson arrival offsets (ms from the start) at `perSecond` for `seconds`: exponential gaps from a
 * seeded generator (mulberry32), so every run and every build sees the same arrivals.
 */
export function poissonArrivals(perSecond: number, seconds: number, seed = 13): number[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const arrivals: number[] = [];
  for (let at = 0; ; ) {
    at += (-Math.log(1 - random()) / perSecond) * 1000;
    if (at >= seconds * 1000) return arrivals;
    arrivals.push(at);
  }
}

export interface OpenLoopPass {
  /** Arrivals sent (each a distinct number). */
  count: number;
  ms: Record<string, number>;
  found: number;
}

/**
 * Open loop: call `i` is sent at its arrival time whether or not earlier calls have answered (as
 * inbound calls ring), and timed from that arrival time, so a late send (a busy event loop) counts
 * against the call rather than hiding (no coordinated omission).
 */
export async function openLoop(
  arrivals: readonly number[],
  call: (i: number) => Promise<number>,
): Promise<OpenLoopPass> {
  const latencies: number[] = [];
  let found = 0;
  const started = performance.now();
  await Promise.all(
    arrivals.map(async (at, i) => {
      const wait = started + at - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const records = await call(i);
      latencies.push(performance.now() - (started + at));
      found += records;
    }),
  );
  return { count: arrivals.length, ms: latencySummary(latencies), found };
}
