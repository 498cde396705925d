import { describe, expect, it } from "vitest";
import { formatDuration, rateAndEta, SyncProgress } from "../../src/cli/progress.js";
import { emptySyncReport } from "../../src/sync/run-sync.js";

const run = (records: number) => ({
  ...emptySyncReport("leads", "r1", false),
  pages: 1,
  records,
  added: records,
});

describe("sync progress", () => {
  it("rate and ETA by hand: 2,000 of 10,000 records in 8 s is 250 leads/s, 8,000 left take 32 s", () => {
    expect(rateAndEta(2_000, 8_000, 10_000)).toBe("20% of 10000 · 250 leads/s · ETA 32s");
    // Without a total (HubSpot searches and lists): the rate only.
    expect(rateAndEta(2_000, 8_000, undefined)).toBe("250 leads/s");
    expect(rateAndEta(0, 0, 10)).toBe("0% of 10 · 0.0 leads/s · ETA ?");
    expect(formatDuration(3_725_000)).toBe("1h02m");
    expect(formatDuration(185_000)).toBe("3m05s");
  });

  it("on a TTY redraws one line in place; otherwise writes whole lines at most every logEveryMs", () => {
    let now = 0;
    const tty: string[] = [];
    const onTty = new SyncProgress({ sink: { tty: true, write: (t) => tty.push(t) }, now: () => now });
    now = 1_000;
    onTty.page(run(500), 1_000);
    onTty.done();
    // Carriage return and "erase line" (ESC [ 2 K), then the line.
    expect(tty[0]?.startsWith("\r\u001b[2Kpages 1 · records 500 · ")).toBe(true);
    expect(tty[0]?.endsWith(" · 50% of 1000 · 500 leads/s · ETA 1s")).toBe(true);
    expect(tty[1]).toBe("\n");

    now = 0;
    const log: string[] = [];
    const plain = new SyncProgress({
      sink: { tty: false, write: (t) => log.push(t) },
      now: () => now,
      logEveryMs: 10_000,
    });
    now = 1_000;
    plain.page(run(100), undefined);
    now = 5_000;
    plain.page(run(200), undefined); // within 10 s of the last line: not written
    now = 12_000;
    plain.page(run(1_200), undefined);
    plain.done();
    expect(log).toEqual([
      "sync progress: pages 1 · records 100 · added 100 · updated 0 · removed 0 · skipped 0 · do-not-call 0 · held 0 · blocked 0 · 100 leads/s\n",
      "sync progress: pages 1 · records 1200 · added 1200 · updated 0 · removed 0 · skipped 0 · do-not-call 0 · held 0 · blocked 0 · 100 leads/s\n",
    ]);
  });
});
