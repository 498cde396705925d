/** `--at <time>`: an ISO 8601 instant with its offset, or a clear error naming the flag. */
export function parseAt(value: string): Date {
  const at = new Date(value);
  if (Number.isNaN(at.getTime()))
    throw new Error(`--at must be an ISO 8601 time such as 2026-12-02T15:00:00-05:00 (got "${value}")`);
  return at;
}

/** A clock that reads `at` now and runs on from there at real speed. */
export function clockFrom(at: Date): () => Date {
  const offsetMs = at.getTime() - Date.now();
  return () => new Date(Date.now() + offsetMs);
}
