import { z } from "zod";
import { type SalesforceSelect, salesforceSelectSchema } from "./config.js";

/**
 * Where the admin's `where` is unbalanced, so it could escape the parentheses it is embedded in (and
 * silently combine with the cursor condition differently). String literals and their escapes are skipped.
 */
export function whereProblem(where: string): string | undefined {
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < where.length; i++) {
    const ch = where[i];
    if (quoted) {
      if (ch === "\\") i++;
      else if (ch === "'") quoted = false;
    } else if (ch === "'") quoted = true;
    else if (ch === "(") depth++;
    else if (ch === ")" && --depth < 0) return "has a ')' without its '('";
  }
  if (quoted) return "has a string literal without its closing quote";
  if (depth > 0) return "has a '(' without its ')'";
  if (where.trim() === "") return "is empty (leave it out to select every record)";
  return undefined;
}

/** Parse a source's `select` block; throws a message naming each problem and its path. */
export function parseSalesforceSelect(select: unknown): SalesforceSelect {
  const parsed = salesforceSelectSchema.safeParse(select);
  if (!parsed.success) {
    throw new Error(
      `invalid Salesforce select: expected { object: Lead|Contact, where? } or { campaignId, memberStatuses? }\n${z.prettifyError(parsed.error)}`,
    );
  }
  if ("object" in parsed.data && parsed.data.where !== undefined) {
    const problem = whereProblem(parsed.data.where);
    if (problem) throw new Error(`invalid Salesforce select: where ${problem}: ${parsed.data.where}`);
  }
  if ("campaignId" in parsed.data && parsed.data.memberStatuses?.length === 0) {
    throw new Error(
      "invalid Salesforce select: memberStatuses is empty, so no member would be pulled (leave it out for every status)",
    );
  }
  return parsed.data;
}
