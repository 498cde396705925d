import { describe, expect, it } from "vitest";
import {
  type ArrivalRate,
  arrivalsPerMs,
  flushDelay,
  noArrivals,
  noteArrival,
} from "../../src/writeback/batch-window.js";

const halfLife = 1_000;

/** Arrivals every `gapMs` from t = 0 up to `untilMs` (a driven clock, no timers). */
function steady(gapMs: number, untilMs: number): ArrivalRate {
  let state = noArrivals;
  for (let t = 0; t <= untilMs; t += gapMs) state = noteArrival(state, t, halfLife);
  return state;
}

describe("arrival rate: an exponentially decayed count", () => {
  it("estimates a steady 50 outcomes/s as 0.05 per ms, within 2.5%", () => {
    // Hand computation: the decayed count of all arrivals settles at 1 / (1 − 2^(−20/1000)) = 72.63
    // just after one; without the latest, 71.63 × ln 2 / 1000 = 0.04965/ms, and 19 ms later
    // 71.63 × 2^(−19/1000) × ln 2 / 1000 = 0.04900/ms.
    const state = steady(20, 10_000);
    expect(arrivalsPerMs(state, 10_000, halfLife)).toBeCloseTo(0.04965, 4);
    expect(arrivalsPerMs(state, 10_019, halfLife)).toBeCloseTo(0.049, 4);
    for (const t of [10_000, 10_010, 10_019])
      expect(Math.abs(arrivalsPerMs(state, t, halfLife) - 0.05) / 0.05).toBeLessThan(0.025);
  });

  it("sees no stream in a single arrival, and a thin one in one arrival per 5 s", () => {
    expect(arrivalsPerMs(noteArrival(noArrivals, 0, halfLife), 0, halfLife)).toBe(0);
    // 2^−5 + 2^−10 + … = 1/31 of an arrival left when the next comes: 0.0323 × ln 2 / 1000 per ms.
    expect(arrivalsPerMs(steady(5_000, 60_000), 60_000, halfLife)).toBeCloseTo(Math.LN2 / 31 / 1000, 7);
  });

  it("halves every half-life while nothing arrives", () => {
    const state = steady(20, 10_000);
    const at = arrivalsPerMs(state, 10_000, halfLife);
    expect(arrivalsPerMs(state, 11_000, halfLife)).toBeCloseTo(at / 2, 8);
    expect(arrivalsPerMs(state, 20_000, halfLife)).toBeCloseTo(at / 1024, 8);
  });

  it("counts nothing before the first arrival", () => {
    expect(arrivalsPerMs(noArrivals, 5_000, halfLife)).toBe(0);
  });
});

const base = { maxSize: 200, maxWaitMs: 500, minWaitMs: 20 };

describe("flushDelay: send full batches at once, hold a partial one only while more items are expected", () => {
  it("sends a full batch at once, however fast items arrive", () => {
    expect(flushDelay({ ...base, pending: 200, waitedMs: 0, arrivalsPerMs: 10 })).toBe(0);
    expect(flushDelay({ ...base, pending: 200, waitedMs: 0, arrivalsPerMs: 0 })).toBe(0);
  });

  it("at 50/s holds a partial batch for the rest of its 500 ms budget (25 more outcomes expected)", () => {
    expect(flushDelay({ ...base, pending: 1, waitedMs: 0, arrivalsPerMs: 0.05 })).toBe(500);
    expect(flushDelay({ ...base, pending: 16, waitedMs: 300, arrivalsPerMs: 0.05 })).toBe(200);
  });

  it("never holds the first item past the budget", () => {
    expect(flushDelay({ ...base, pending: 25, waitedMs: 500, arrivalsPerMs: 0.05 })).toBe(0);
    expect(flushDelay({ ...base, pending: 25, waitedMs: 900, arrivalsPerMs: 5 })).toBe(0);
  });

  it("in a thin trickle (one outcome per 10 s: 0.05 expected in 500 ms) sends after the 20 ms floor", () => {
    expect(flushDelay({ ...base, pending: 1, waitedMs: 0, arrivalsPerMs: 0.0001 })).toBe(20);
    expect(flushDelay({ ...base, pending: 1, waitedMs: 15, arrivalsPerMs: 0.0001 })).toBe(5);
    expect(flushDelay({ ...base, pending: 1, waitedMs: 25, arrivalsPerMs: 0.0001 })).toBe(0);
  });

  it("waits only while at least one more item is expected in what is left of the budget", () => {
    // 1 item per 200 ms: 2.5 expected in 500 ms → wait; 0.5 expected in the last 100 ms → send.
    expect(flushDelay({ ...base, pending: 1, waitedMs: 0, arrivalsPerMs: 1 / 200 })).toBe(500);
    expect(flushDelay({ ...base, pending: 3, waitedMs: 400, arrivalsPerMs: 1 / 200 })).toBe(0);
  });

  it("a floor above the budget is cut to the budget", () => {
    expect(
      flushDelay({ ...base, maxWaitMs: 10, minWaitMs: 50, pending: 1, waitedMs: 0, arrivalsPerMs: 0 }),
    ).toBe(10);
  });

  it("sends nothing when nothing is pending", () => {
    expect(flushDelay({ ...base, pending: 0, waitedMs: 0, arrivalsPerMs: 1 })).toBe(0);
  });
});
