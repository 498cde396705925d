import type { z } from "zod";
import type { SelectProblem } from "./types.js";

/**
 * A `select` block's zod issues as problems with paths. An unknown key's path ends at the key itself
 * (its line is the one to fix) and its message, from the core's error map, already names the fix;
 * other messages get the block's expected shape appended.
 */
export function selectProblems(error: z.ZodError, expectedShape: string): SelectProblem[] {
  return error.issues.map((issue) => {
    const path = issue.path.map((p) => (typeof p === "symbol" ? String(p) : p));
    if (issue.code === "unrecognized_keys" && issue.keys.length === 1) {
      return { path: [...path, issue.keys[0] as string], message: issue.message };
    }
    return { path, message: `${issue.message} (${expectedShape})` };
  });
}
