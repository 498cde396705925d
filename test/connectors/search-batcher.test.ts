import { describe, expect, it } from "vitest";
import { SearchBatcher } from "../../connectors/search-batcher.js";
import type { PhoneQuery } from "../../connectors/types.js";

const number = (i: number): PhoneQuery => {
  const digits = `415555${String(i).padStart(4, "0")}`;
  return { e164: `+1${digits}`, nationalDigits: digits, forms: [`+1${digits}`] };
};

/** A vendor whose search answers each number with one record named after it; every batch is recorded. */
function recordingVendor(options: { spacingMs: number; fits?: number; slot?: () => Promise<void> }) {
  const batches: Array<{ at: number; numbers: string[] }> = [];
  const batcher = new SearchBatcher<string[]>({
    spacingMs: options.spacingMs,
    fits: () => options.fits ?? 100,
    async search(take) {
      await (options.slot?.() ?? Promise.resolve());
      const numbers = take().map((query) => query.e164);
      batches.push({ at: performance.now(), numbers });
      return numbers;
    },
    matches: (numbers, query) =>
      numbers.includes(query.e164)
        ? [{ objectType: "contacts", id: query.e164, phoneField: "phone", phone: query.e164 }]
        : [],
  });
  return { batcher, batches };
}

describe("SearchBatcher: searches paced to the budget, numbers that arrive meanwhile share one", () => {
  it("numbers arriving after a search took its numbers ride together in the next, paced one", async () => {
    // A spacing far above any scheduling delay between the finds below (one event-loop turn apart).
    const { batcher, batches } = recordingVendor({ spacingMs: 1_000 });
    const first = await batcher.find(number(0));
    expect(first.map((m) => m.id)).toEqual(["+14155550000"]);
    const later = [batcher.find(number(1))];
    await new Promise((resolve) => setImmediate(resolve));
    later.push(batcher.find(number(2)), batcher.find(number(3)));
    const answers = await Promise.all(later);
    // Each number gets only its own record; the three share one search instead of the first taking
    // a search of its own while the budget had room.
    expect(answers.map((a) => a.map((m) => m.id))).toEqual([
      ["+14155550001"],
      ["+14155550002"],
      ["+14155550003"],
    ]);
    expect(batches.map((b) => b.numbers.length)).toEqual([1, 3]);
  });

  it("no two searches take their numbers closer than the spacing; numbers beyond a search's fit wait for the next", async () => {
    const spacingMs = 50;
    const { batcher, batches } = recordingVendor({ spacingMs, fits: 4 });
    const answers = await Promise.all(Array.from({ length: 18 }, (_, i) => batcher.find(number(i))));
    answers.forEach((answer, i) => {
      expect(answer.map((m) => m.id)).toEqual([number(i).e164]);
    });
    // 18 numbers asked for at once, 4 per search: 5 searches, oldest numbers first.
    expect(batches.map((b) => b.numbers.length)).toEqual([4, 4, 4, 4, 2]);
    expect(batches.flatMap((b) => b.numbers)).toEqual(Array.from({ length: 18 }, (_, i) => number(i).e164));
    // A lower bound only: a slow machine makes the gaps longer, never shorter (0.5 ms: each time is
    // read just after the batcher noted its own).
    for (let i = 1; i < batches.length; i++)
      expect((batches[i]?.at ?? 0) - (batches[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(spacingMs - 0.5);
  });

  it("a failure before the slot fails the numbers that search gathered, and the next search still runs", async () => {
    let calls = 0;
    const batcher = new SearchBatcher<string[]>({
      spacingMs: 0,
      fits: () => 1,
      async search(take) {
        calls++;
        if (calls === 1) throw new Error("budget paused");
        return take().map((query) => query.e164);
      },
      matches: (numbers, query) =>
        numbers.includes(query.e164)
          ? [{ objectType: "contacts", id: query.e164, phoneField: "phone", phone: query.e164 }]
          : [],
    });
    const [first, second] = await Promise.allSettled([batcher.find(number(0)), batcher.find(number(1))]);
    expect(first.status).toBe("rejected");
    expect(second.status === "fulfilled" ? second.value.map((m) => m.id) : second).toEqual(["+14155550001"]);
  });
});
