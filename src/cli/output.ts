/** `--json` on commands that print data: one JSON document on stdout, nothing else there. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export const jsonOption = [
  "--json",
  "print one JSON document (shape: docs/cli-json.md) instead of text",
] as const;
