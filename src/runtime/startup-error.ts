/**
 * A fatal start-up problem the operator can fix (Redis unreachable, port busy): the CLI prints its
 * one-line message and exits non-zero at once, whatever else was already started.
 */
export class StartupError extends Error {
  override readonly name = "StartupError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A Redis URL fit to print: the password (if any) is replaced. */
export function printableRedisUrl(url: string): string {
  // A cluster's seed list: each node's URL on its own.
  if (url.includes(","))
    return url
      .split(",")
      .map((part) => printableRedisUrl(part.trim()))
      .join(",");
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString().replace(/\/$/, "");
  } catch {
    return "(unparseable REDIS_URL)";
  }
}
