import { type ArrivalRate, arrivalsPerMs, flushDelay, noArrivals, noteArrival } from "./batch-window.js";

export interface MicroBatcherOptions<Item, Result> {
  maxSize: number;
  /** Latency budget: the longest a batch's first item waits for others to join it. */
  maxWaitMs: number;
  /** Shortest wait of a partial batch when no more items are expected (default 20 ms, capped by maxWaitMs). */
  minWaitMs?: number;
  /** Half-life of the arrival-rate estimate (default 1 s). */
  rateHalfLifeMs?: number;
  /** Monotonic clock in ms (default `performance.now`); the timers are the runtime's. */
  now?: () => number;
  /** One result per item, in order. A throw fails every item of the batch. */
  flush: (items: Item[]) => Promise<Result[]>;
}

interface Entry<Item, Result> {
  item: Item;
  at: number;
  resolve: (r: Result) => void;
  reject: (e: unknown) => void;
}

/**
 * Collects items submitted one at a time into batches of at most `maxSize`: a full batch is sent at
 * once, a partial one when the adaptive window ends (see `batch-window.ts`: up to `maxWaitMs` after
 * its first item while more items are expected, else after `minWaitMs`). Each submitter gets its
 * own item's result.
 */
export class MicroBatcher<Item, Result> {
  private pending: Entry<Item, Result>[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private arrivals: ArrivalRate = noArrivals;
  private readonly now: () => number;
  private readonly halfLifeMs: number;

  constructor(private readonly options: MicroBatcherOptions<Item, Result>) {
    this.now = options.now ?? (() => performance.now());
    this.halfLifeMs = options.rateHalfLifeMs ?? 1_000;
  }

  submit(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      const at = this.now();
      this.arrivals = noteArrival(this.arrivals, at, this.halfLifeMs);
      this.pending.push({ item, at, resolve, reject });
      this.schedule();
    });
  }

  /** Send now, or (re)arm the timer for the end of the current batch's window. */
  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const first = this.pending[0];
    if (!first) return;
    const now = this.now();
    const delay = flushDelay({
      pending: this.pending.length,
      maxSize: this.options.maxSize,
      waitedMs: now - first.at,
      maxWaitMs: this.options.maxWaitMs,
      minWaitMs: this.options.minWaitMs ?? 20,
      arrivalsPerMs: arrivalsPerMs(this.arrivals, now, this.halfLifeMs),
    });
    if (delay <= 0) this.flushNow();
    else this.timer = setTimeout(() => this.flushNow(), delay);
  }

  private flushNow(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending.splice(0, this.options.maxSize);
    if (batch.length === 0) return;
    const run = this.options
      .flush(batch.map((entry) => entry.item))
      .then(
        (results) => {
          batch.forEach((entry, i) => {
            const result = results[i];
            if (result === undefined)
              entry.reject(new Error("batch flush returned fewer results than items"));
            else entry.resolve(result);
          });
        },
        (error: unknown) => {
          for (const entry of batch) entry.reject(error);
        },
      )
      .finally(() => this.inFlight.delete(run));
    this.inFlight.add(run);
    // What is left (a burst larger than one batch) gets its own window, or goes at once when full.
    this.schedule();
  }

  /** Flush what is pending and wait for every batch in flight. */
  async drain(): Promise<void> {
    while (this.pending.length > 0) this.flushNow();
    await Promise.all([...this.inFlight]);
  }
}
