import { CrmError, type ErrorClass } from "../../src/errors.js";

/** Whole-request rejections that one bad input can cause; nothing was written, so halves can be re-sent. */
const splittable = new Set(["VALIDATION_ERROR", "OBJECT_NOT_FOUND", "400", "404"]);

function verdictOf(error: unknown, classify: (error: unknown) => ErrorClass): ErrorClass {
  return error instanceof CrmError ? error.classification : classify(error);
}

/**
 * Send a batch; when HubSpot rejects the whole request as invalid (a 400 caused by one input, such
 * as a bad property value), send each half again, so the bad inputs fail alone and their neighbours
 * are written: about 2·log2(n) extra requests per bad input. Other failures fail the whole chunk.
 */
export async function sendIsolating<T>(
  items: readonly T[],
  send: (chunk: readonly T[]) => Promise<void>,
  fail: (chunk: readonly T[], verdict: ErrorClass) => void,
  classify: (error: unknown) => ErrorClass,
): Promise<void> {
  if (items.length === 0) return;
  try {
    await send(items);
  } catch (error) {
    const verdict = verdictOf(error, classify);
    if (verdict.kind === "permanent" && items.length > 1 && splittable.has(verdict.code ?? "")) {
      const middle = Math.ceil(items.length / 2);
      await sendIsolating(items.slice(0, middle), send, fail, classify);
      await sendIsolating(items.slice(middle), send, fail, classify);
      return;
    }
    fail(items, verdict);
  }
}

/** Consecutive slices of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/** The ids an error of a batch answer names: `context` values that are ids of the batch. */
export function idsNamedBy(
  context: Record<string, string[]> | undefined,
  known: ReadonlySet<string>,
): string[] {
  return Object.values(context ?? {})
    .flat()
    .filter((value) => known.has(value));
}
