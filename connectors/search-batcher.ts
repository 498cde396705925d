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
   * The search budget's pace, ms per search (its window over its slots): a search starts at most
   * this long after the previous one took its numbers. Default 0 (no pacing).
   */
  spacingMs?: number;
}

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
 * (up to a whole window, 1.3 s at HubSpot's 5/s); paced, a number waits at most one spacing
 * (260 ms) and each search carries what arrived meanwhile. A search after a quiet spell starts at once.
 */
export class SearchBatcher<Result> {
  private readonly waiting: Waiting[] = [];
  /** A search has been started and has not taken its numbers yet (it is waiting for its slot). */
  private gathering = false;
  /** When the last search took its numbers (`performance.now()`). */
  private lastTaken = Number.NEGATIVE_INFINITY;

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
    const delay = this.lastTaken + (this.vendor.spacingMs ?? 0) - performance.now();
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
        this.lastTaken = performance.now();
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
