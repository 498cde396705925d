import type { ErrorClass } from "../errors.js";

/** A failure that BullMQ should retry; `waitMs` is the CRM's own wait when it told us one. */
export class WritebackRetryError extends Error {
  override readonly name = "WritebackRetryError";
  constructor(
    readonly classification: ErrorClass,
    readonly waitMs?: number,
  ) {
    super(classification.reason);
  }
}

/** Exponential backoff with full jitter, 1 s → 5 min; a CRM-given wait wins. */
export function writebackBackoff(attemptsMade: number, error: Error | undefined): number {
  if (error instanceof WritebackRetryError && error.waitMs !== undefined) return error.waitMs;
  const ceiling = Math.min(300_000, 1_000 * 2 ** Math.max(0, attemptsMade - 1));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}
