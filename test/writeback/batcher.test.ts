import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { MicroBatcher } from "../../src/writeback/batcher.js";

/** A batcher whose flush records each batch and answers `item × 10`; timers are vitest's fake ones. */
function recordingBatcher(options: { maxSize: number; maxWaitMs: number; minWaitMs?: number }) {
  const batches: number[][] = [];
  const batcher = new MicroBatcher<number, number>({
    ...options,
    now: () => Date.now(),
    flush: async (items) => {
      batches.push(items);
      return items.map((item) => item * 10);
    },
  });
  return { batcher, batches };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("MicroBatcher: batches of at most maxSize, sent when full, else when the adaptive window ends", () => {
  it("sends a full batch at once, without waiting", async () => {
    const { batcher, batches } = recordingBatcher({ maxSize: 3, maxWaitMs: 1_000 });
    const results = [1, 2, 3].map((item) => batcher.submit(item));
    expect(batches).toEqual([[1, 2, 3]]);
    await expect(Promise.all(results)).resolves.toEqual([10, 20, 30]);
  });

  it("holds a partial batch up to maxWaitMs after its first item while more items keep coming", async () => {
    const { batcher, batches } = recordingBatcher({ maxSize: 10, maxWaitMs: 200 });
    // A steady 1 item per 20 ms (10 expected per 200 ms) for 2 s, so the rate estimate is warm.
    const warm: Promise<number>[] = [];
    for (let i = 0; i < 100; i++) {
      warm.push(batcher.submit(0));
      await vi.advanceTimersByTimeAsync(20);
    }
    await vi.advanceTimersByTimeAsync(200);
    await Promise.all(warm);
    batches.length = 0;
    const first = batcher.submit(1);
    await vi.advanceTimersByTimeAsync(150);
    const second = batcher.submit(2);
    await vi.advanceTimersByTimeAsync(49);
    expect(batches).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(batches).toEqual([[1, 2]]);
    await expect(Promise.all([first, second])).resolves.toEqual([10, 20]);
  });

  it("at 50 items/s with a 500 ms budget: batches of about 25, no item waits more than 500 ms", async () => {
    const latencies: number[] = [];
    const sizes: number[] = [];
    const batcher = new MicroBatcher<number, number>({
      maxSize: 200,
      maxWaitMs: 500,
      now: () => Date.now(),
      flush: async (items) => {
        sizes.push(items.length);
        return items.map((submittedAt) => Date.now() - submittedAt);
      },
    });
    const results: Promise<number>[] = [];
    for (let i = 0; i < 500; i++) {
      results.push(batcher.submit(Date.now()));
      await vi.advanceTimersByTimeAsync(20);
    }
    await vi.advanceTimersByTimeAsync(500);
    latencies.push(...(await Promise.all(results)));
    expect(latencies).toHaveLength(500);
    expect(Math.max(...latencies)).toBeLessThanOrEqual(500);
    // Hand computation: after the warm-up second, 500 ms × 50/s = 25 items per batch (26 when the
    // window's end meets an arrival); never a full 200.
    const steadyState = sizes.slice(4, -1);
    expect(Math.min(...steadyState)).toBeGreaterThanOrEqual(24);
    expect(Math.max(...steadyState)).toBeLessThanOrEqual(26);
  });

  it("in a thin trickle (one item per 5 s) sends each item after the floor, not after maxWaitMs", async () => {
    const { batcher, batches } = recordingBatcher({ maxSize: 100, maxWaitMs: 2_000, minWaitMs: 20 });
    for (let i = 1; i <= 3; i++) {
      const result = batcher.submit(i);
      await vi.advanceTimersByTimeAsync(19);
      expect(batches).toHaveLength(i - 1);
      await vi.advanceTimersByTimeAsync(1);
      expect(batches).toHaveLength(i);
      await expect(result).resolves.toBe(i * 10);
      await vi.advanceTimersByTimeAsync(5_000);
    }
  });

  it("a backlog goes out as full batches with no wait at all", async () => {
    const { batcher, batches } = recordingBatcher({ maxSize: 100, maxWaitMs: 500 });
    const results = Array.from({ length: 1_000 }, (_v, i) => batcher.submit(i));
    expect(batches.map((b) => b.length)).toEqual(Array<number>(10).fill(100));
    await expect(Promise.all(results)).resolves.toHaveLength(1_000);
  });

  it("splits a burst into full batches and times the remainder", async () => {
    const { batcher, batches } = recordingBatcher({ maxSize: 2, maxWaitMs: 100 });
    const results = [1, 2, 3, 4, 5].map((item) => batcher.submit(item));
    expect(batches).toEqual([
      [1, 2],
      [3, 4],
    ]);
    await vi.advanceTimersByTimeAsync(100);
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
    await expect(Promise.all(results)).resolves.toEqual([10, 20, 30, 40, 50]);
  });

  it("a failed flush fails every item of that batch and no other", async () => {
    let calls = 0;
    const batcher = new MicroBatcher<string, string>({
      maxSize: 2,
      maxWaitMs: 100,
      flush: async (items) => {
        calls += 1;
        if (calls === 1) throw new Error("CRM down");
        return items.map((item) => item.toUpperCase());
      },
    });
    const failed = [batcher.submit("a"), batcher.submit("b")];
    const ok = [batcher.submit("c"), batcher.submit("d")];
    await expect(failed[0]).rejects.toThrow("CRM down");
    await expect(failed[1]).rejects.toThrow("CRM down");
    await expect(Promise.all(ok)).resolves.toEqual(["C", "D"]);
  });

  it("a flush that returns fewer results than items fails the items left without one", async () => {
    const batcher = new MicroBatcher<number, number>({
      maxSize: 3,
      maxWaitMs: 100,
      flush: async () => [7],
    });
    const [a, b, c] = [batcher.submit(1), batcher.submit(2), batcher.submit(3)];
    await expect(a).resolves.toBe(7);
    await expect(b).rejects.toThrow("fewer results");
    await expect(c).rejects.toThrow("fewer results");
  });

  it("drain sends what is pending at once and waits for batches in flight", async () => {
    const releases: (() => void)[] = [];
    const batches: number[][] = [];
    const batcher = new MicroBatcher<number, number>({
      maxSize: 2,
      maxWaitMs: 60_000,
      flush: async (items) => {
        batches.push(items);
        await new Promise<void>((resolve) => releases.push(resolve));
        return items;
      },
    });
    const results = [1, 2, 3].map((item) => batcher.submit(item));
    let drained = false;
    const draining = batcher.drain().then(() => {
      drained = true;
    });
    expect(batches).toEqual([[1, 2], [3]]);
    await vi.advanceTimersByTimeAsync(0);
    expect(drained).toBe(false);
    releases[0]!();
    await vi.advanceTimersByTimeAsync(0);
    expect(drained).toBe(false);
    releases[1]!();
    await draining;
    expect(drained).toBe(true);
    await expect(Promise.all(results)).resolves.toEqual([1, 2, 3]);
    // nothing was left on a timer: the 60 s window never fires a second flush
    await vi.advanceTimersByTimeAsync(60_000);
    expect(batches).toEqual([[1, 2], [3]]);
  });
});
