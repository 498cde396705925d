/**
 * When to send a partial writeback batch. Pure: the clock is an argument.
 *
 * A full batch goes at once (nothing is gained by holding it). A partial batch is worth holding only
 * while more items are expected to join it: holding costs every item in it latency, sending costs
 * one CRM request (of a rate-limited budget). So the batch waits at most `maxWaitMs` after its first
 * item (the latency budget), and only when the recent arrival rate says at least one more item will
 * come within what is left of that budget; a lone outcome in a thin trickle goes after `minWaitMs`
 * (the floor, which still gathers items that arrive together, like a burst of jobs fetched at once).
 * Under a backlog the rate is high and batches fill long before the budget, so every request is full.
 */

/**
 * Arrivals as an exponentially decayed count (each adds 1, halving every `halfLifeMs`), of those
 * before the latest one: the item just submitted says nothing about whether another will follow,
 * and counting it would make a single outcome after an idle hour look like a stream.
 */
export interface ArrivalRate {
  /** Decayed count, at `atMs`, of the arrivals before the latest one. */
  prior: number;
  /** When the latest arrival was (−∞: none yet). */
  atMs: number;
}

export const noArrivals: ArrivalRate = { prior: 0, atMs: Number.NEGATIVE_INFINITY };

/** The state after one more arrival at `nowMs` (a clock that never goes back). */
export function noteArrival(state: ArrivalRate, nowMs: number, halfLifeMs: number): ArrivalRate {
  const atMs = Math.max(state.atMs, nowMs);
  return { prior: (state.prior + 1) * decay(atMs - state.atMs, halfLifeMs), atMs };
}

/**
 * Arrivals per ms at `nowMs`: a steady rate r keeps the decayed count near r·halfLife/ln 2, so the
 * count times ln 2 / halfLife estimates r; it decays toward 0 while nothing arrives.
 */
export function arrivalsPerMs(state: ArrivalRate, nowMs: number, halfLifeMs: number): number {
  return (state.prior * decay(nowMs - state.atMs, halfLifeMs) * Math.LN2) / halfLifeMs;
}

function decay(elapsedMs: number, halfLifeMs: number): number {
  return 2 ** (-Math.max(0, elapsedMs) / halfLifeMs);
}

export interface WindowInput {
  /** Items waiting in the batch. */
  pending: number;
  maxSize: number;
  /** How long the batch's first item has waited. */
  waitedMs: number;
  /** Latency budget: the longest the first item of a batch waits. */
  maxWaitMs: number;
  /** Floor: the shortest wait of a partial batch. */
  minWaitMs: number;
  /** Recent arrival rate (see {@link arrivalsPerMs}). */
  arrivalsPerMs: number;
}

/** Milliseconds from now until the batch should be sent (0: now). */
export function flushDelay(input: WindowInput): number {
  if (input.pending <= 0) return 0;
  if (input.pending >= input.maxSize) return 0;
  const budgetLeft = input.maxWaitMs - input.waitedMs;
  if (budgetLeft <= 0) return 0;
  const floorLeft = Math.max(0, Math.min(input.minWaitMs, input.maxWaitMs) - input.waitedMs);
  const expected = input.arrivalsPerMs * budgetLeft;
  return expected >= 1 ? budgetLeft : floorLeft;
}
