import type { PhoneMatch, PhoneQuery } from "./types.js";

/** How one vendor searches a batch of numbers and answers each number from the result. */
export interface BatchedSearch<Result> {
  /** How many of the oldest waiting numbers one search may carry (at least one is always taken). */
  fits(waiting: readonly PhoneQuery[]): number;
  /**
   * Search for the numbers `take()` gives, calling it once the request has its slot of the search
   * budget (again on a retry: the same numbers come back).
   */
  search(take: () => PhoneQuery[]): Promise<Result>;
  /** One number's records in a batch's result (the search matched the batch's numbers together). */
  matches(result: Result, query: PhoneQuery): PhoneMatch[];
  /**
   * The search budget's pace, ms per search (its window over its slots): searches start one per
   * spacing on average, after a quiet spell two at once (`pacingBurst`). Default 0 (no pacing).
   */
  spacingMs?: number;
}

/**
 * Searches that may start back to back after a quiet spell: a screen pop that follows another within
 * a spacing does not wait for the pace; three in a row do. (A burst of 2 then the pace puts 6 in one
 * budget window: the limiter holds the 6th for the window, once, until the pace has taken over.)
 */
const pacingBurst = 2;

interface Waiting {
  query: PhoneQuery;
  resolve(matches: PhoneMatch[]): void;
  reject(error: unknown): void;
}

/**
 * Screen-pop searches that share requests within a vendor's search budget: numbers asked for while a
 * search waits for its slot ride in that search, so 50 concurrent screen pops cost a few searches,
 * not 50 queued behind the limiter. At most one search waits for a slot at a time; when its slot
 * comes it takes the oldest waiting numbers that fit, and the next search starts gathering.
 *
 * Searches are paced (`spacingMs`): the budget is a sliding window, and spending its slots on the
 * first numbers to arrive, one search each, leaves the next numbers waiting for the window to turn
 * (up to a whole window, 1.3 s at HubSpot's 5/s); paced, a number waits about one spacing (260 ms)
 * at most and each search carries what arrived meanwhile. After a quiet spell two searches may start
 * at once (`pacingBurst`), so an occasional screen pop does not wait for the pace.
 */
export class SearchBatcher<Result> {
  private readonly waiting: Waiting[] = [];
  /** A search has been started and has not taken its numbers yet (it is waiting for its slot). */
  private gathering = false;
  /**
   * When the next search is due on the pace (`performance.now()`): each search that takes its
   * numbers moves it a spacing on from itself or from the last due time, whichever is later.
   */
  private due = Number.NEGATIVE_INFINITY;

  constructor(private readonly vendor: BatchedSearch<Result>) {}

  find(query: PhoneQuery): Promise<PhoneMatch[]> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ query, resolve, reject });
      this.start();
    });
  }

  private start(): void {
    if (this.gathering || this.waiting.length === 0) return;
    this.gathering = true;
    this.launchWhenPaced();
  }

  private launchWhenPaced(): void {
    const spacing = this.vendor.spacingMs ?? 0;
    const delay = this.due - (pacingBurst - 1) * spacing - performance.now();
    // Checked again when the timer fires: a timer counts from the event loop's cached time, which a
    // long task leaves behind `performance.now()`, so it can fire early.
    if (delay > 0) setTimeout(() => this.launchWhenPaced(), Math.ceil(delay));
    else this.launch();
  }

  private launch(): void {
    let batch: Waiting[] | undefined;
    const take = (): Waiting[] => {
      if (!batch) {
        const count = Math.max(1, this.vendor.fits(this.waiting.map((each) => each.query)));
        batch = this.waiting.splice(0, count);
        this.due = Math.max(this.due, performance.now()) + (this.vendor.spacingMs ?? 0);
        this.gathering = false;
        this.start();
      }
      return batch;
    };
    this.vendor
      .search(() => take().map((each) => each.query))
      .then(
        (result) => {
          for (const each of take()) each.resolve(this.vendor.matches(result, each.query));
        },
        (error: unknown) => {
          // A failure before the slot (a paused budget) fails the numbers gathered so far too.
          for (const each of take()) each.reject(error);
        },
      );
  }
}
