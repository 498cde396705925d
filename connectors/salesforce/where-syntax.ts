import { createRequire } from "node:module";

type SoqlParser = typeof import("@jetstreamapp/soql-parser-js");

/**
 * The SOQL parser (a parser generator's grammar, ~3 MiB of live heap) is needed only while a config
 * is checked: loaded on first use (its CommonJS build, the same version as its ES build) and held
 * weakly, out of the module cache, so a sync that runs for an hour after its config was checked does
 * not carry it; a later check loads it again.
 */
let parserRef: WeakRef<SoqlParser> | undefined;

function soqlParser(): SoqlParser {
  const cached = parserRef?.deref();
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const id = require.resolve("@jetstreamapp/soql-parser-js");
  const parser = require(id) as SoqlParser;
  delete require.cache[id];
  parserRef = new WeakRef(parser);
  return parser;
}

/**
 * Whether the admin's `where` is valid SOQL condition syntax, checked offline as it will be
 * embedded (`SELECT Id FROM <object> WHERE (<where>)`), so `telesync check` finds a typo before the
 * first pull is refused by Salesforce. Field names are not known here; `check --live` reads them.
 */
export function whereSyntaxProblem(object: string, where: string): string | undefined {
  try {
    soqlParser().parseQuery(`SELECT Id FROM ${object} WHERE (${where})`);
    return undefined;
  } catch (error) {
    const first = (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
    return `is not valid SOQL: ${first.replace(/\s+/g, " ").trim()}`;
  }
}
