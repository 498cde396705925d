import { parseQuery } from "@jetstreamapp/soql-parser-js";

/**
 * Whether the admin's `where` is valid SOQL condition syntax, checked offline as it will be
 * embedded (`SELECT Id FROM <object> WHERE (<where>)`), so `telesync check` finds a typo before the
 * first pull is refused by Salesforce. Field names are not known here; `check --live` reads them.
 */
export function whereSyntaxProblem(object: string, where: string): string | undefined {
  try {
    parseQuery(`SELECT Id FROM ${object} WHERE (${where})`);
    return undefined;
  } catch (error) {
    const first = (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
    return `is not valid SOQL: ${first.replace(/\s+/g, " ").trim()}`;
  }
}
