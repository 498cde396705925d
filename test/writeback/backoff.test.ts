import { afterEach, describe, expect, it, vi } from "vitest";
import { WritebackRetryError, writebackBackoff } from "../../src/writeback/writeback-worker.js";

/** Full jitter: the wait is drawn from [ceiling / 2, ceiling]; Math.random pinned to both ends. */
function waits(attemptsMade: number, error?: Error): { shortest: number; longest: number } {
  const random = vi.spyOn(Math, "random");
  random.mockReturnValue(0);
  const shortest = writebackBackoff(attemptsMade, error);
  random.mockReturnValue(0.999_999_999);
  const longest = writebackBackoff(attemptsMade, error);
  return { shortest, longest };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("writebackBackoff: exponential with full jitter, 1 s → 5 min, the CRM's wait wins", () => {
  it.each([
    // attemptsMade, ceiling = min(300 000, 1 000 × 2^(attemptsMade − 1)) ms, by hand
    [0, 500, 1_000],
    [1, 500, 1_000],
    [2, 1_000, 2_000],
    [3, 2_000, 4_000],
    [5, 8_000, 16_000],
    [9, 128_000, 256_000],
    // 2^9 s = 512 s is past the 300 s cap
    [10, 150_000, 300_000],
    [25, 150_000, 300_000],
  ])("after %i attempts waits %i to %i ms", (attemptsMade, shortest, longest) => {
    expect(waits(attemptsMade)).toEqual({ shortest, longest });
  });

  it("waits exactly what the CRM told (Retry-After), whatever the attempt", () => {
    const told = new WritebackRetryError(
      { kind: "rate-limited", reason: "429 TEN_SECONDLY_ROLLING", waitMs: 7_250, scope: "burst" },
      7_250,
    );
    expect(waits(1, told)).toEqual({ shortest: 7_250, longest: 7_250 });
    expect(waits(12, told)).toEqual({ shortest: 7_250, longest: 7_250 });
  });

  it("a retry error without a CRM wait, or any other error, backs off as usual", () => {
    const untold = new WritebackRetryError({ kind: "retry", reason: "503", ambiguous: true });
    expect(waits(3, untold)).toEqual({ shortest: 2_000, longest: 4_000 });
    expect(waits(3, new Error("socket hang up"))).toEqual({ shortest: 2_000, longest: 4_000 });
  });
});
