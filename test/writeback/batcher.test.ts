import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { MicroBatcher } from "../../src/writeback/batcher.js";

/** A batcher whose flush records each batch and answers `item × 10`; timers are vitest's fake ones. */
function recordingBatcher(options: { maxSize: number; maxWaitMs: number }) {
  const batches: number[][] = [];
  const batcher = new MicroBatcher<number, number>({
    ...options,
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

describe("MicroBatcher: batches of at most maxSize, sent when full or maxWaitMs after the first item", () => {
  it("sends a full batch at once, without waiting", async () => {
    const { batcher, batches } = recordingBatcher({ maxSize: 3, maxWaitMs: 1_000 });
    const results = [1, 2, 3].map((item) => batcher.submit(item));
    expect(batches).toEqual([[1, 2, 3]]);
    await expect(Promise.all(results)).resolves.toEqual([10, 20, 30]);
  });

  it("sends a partial batch maxWaitMs after its first item, not before", async () => {
    const { batcher, batches } = recordingBatcher({ maxSize: 10, maxWaitMs: 200 });
    const first = batcher.submit(1);
    await vi.advanceTimersByTimeAsync(150);
    const second = batcher.submit(2);
    await vi.advanceTimersByTimeAsync(49);
    expect(batches).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(batches).toEqual([[1, 2]]);
    await expect(Promise.all([first, second])).resolves.toEqual([10, 20]);
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
