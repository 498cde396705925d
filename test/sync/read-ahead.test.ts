import { describe, expect, it } from "vitest";
import { readAhead } from "../../src/sync/run-sync.js";

/** A page source that logs when each page is requested and when the consumer is done with it. */
async function* pages(log: string[], count: number, failAt?: number): AsyncGenerator<number> {
  try {
    for (let i = 1; i <= count; i++) {
      log.push(`fetch ${i}`);
      if (i === failAt) throw new Error(`page ${i} failed`);
      yield i;
    }
  } finally {
    log.push("source closed");
  }
}

describe("readAhead", () => {
  it("requests the next page while the current one is applied, in order, one page ahead", async () => {
    const log: string[] = [];
    for await (const page of readAhead(pages(log, 3))) log.push(`apply ${page}`);
    // The source runs to its end (and closes) while the last page is being applied.
    expect(log).toEqual(["fetch 1", "fetch 2", "apply 1", "fetch 3", "apply 2", "source closed", "apply 3"]);
  });

  it("surfaces a failed read ahead only when its page is due, after the pages before it", async () => {
    const log: string[] = [];
    const applied: number[] = [];
    await expect(
      (async () => {
        for await (const page of readAhead(pages(log, 5, 3))) applied.push(page);
      })(),
    ).rejects.toThrow("page 3 failed");
    expect(applied).toEqual([1, 2]);
  });

  it("closes the source when the consumer stops early", async () => {
    const log: string[] = [];
    for await (const page of readAhead(pages(log, 5))) if (page === 2) break;
    expect(log.at(-1)).toBe("source closed");
    expect(log.filter((line) => line.startsWith("fetch"))).toEqual(["fetch 1", "fetch 2", "fetch 3"]);
  });
});
