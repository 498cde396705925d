import { z } from "zod";
import type { SalesforceSession } from "./auth.js";
import { salesforceLimits } from "./limits.js";
import { toIso } from "./soql.js";

/**
 * A REST query page: `{totalSize, done, records, nextRecordsUrl}`; follow `nextRecordsUrl` until `done`.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_query.htm
 */
export const queryResultSchema = z.object({
  totalSize: z.number().optional(),
  done: z.boolean(),
  // Each row an object, checked in place: z.record copied every row of every page (a sync's pages
  // hold thousands), and JSON gives no key but a string.
  records: z.array(
    z.custom<Record<string, unknown>>(
      (row) => typeof row === "object" && row !== null && !Array.isArray(row),
      "expected an object",
    ),
  ),
  nextRecordsUrl: z.string().optional(),
});

/** Every row we page through has these (a cursor needs both). */
export const cursorRowSchema = z.object({ Id: z.string(), SystemModstamp: z.string() }).loose();
export type CursorRow = z.infer<typeof cursorRowSchema>;

const batchHeaders = { "Sforce-Query-Options": `batchSize=${salesforceLimits.queryBatchSize}` };

/**
 * Run a query and yield its pages as Salesforce sends them. Pages are followed with `queryMore`
 * (never `autoFetch`, which stops silently at `maxFetch`, 10,000 by default: jsforce lib/query.js).
 * The next page is asked for as a page is handed out, so it travels while the caller applies this
 * one (a sync spent a seventh of its time waiting for pages); a caller that stops early leaves that
 * one request unread.
 */
export async function* queryPages(
  session: SalesforceSession,
  soql: string,
  /** Told the query's `totalSize` (rows matching in all) once, from its first page. */
  onTotal?: (totalSize: number) => void,
): AsyncGenerator<Record<string, unknown>[], void, undefined> {
  // Only the request for the next page is kept between pages: the rows are the caller's while it
  // applies them and must not also stay in this frame (a page held across the sync's awaits is
  // promoted to old space).
  let pending: Promise<unknown> | undefined;
  const more = (url: string) =>
    session.call((conn) =>
      conn.queryMore(url, {
        headers: batchHeaders,
        autoFetch: false,
        maxFetch: salesforceLimits.queryBatchSize,
        scanAll: false,
        responseTarget: "QueryResult",
      }),
    );
  const rowsOf = (raw: unknown, onPageTotal?: (totalSize: number) => void): Record<string, unknown>[] => {
    const page = queryResultSchema.parse(raw);
    if (page.totalSize !== undefined) onPageTotal?.(page.totalSize);
    const next = page.done ? undefined : page.nextRecordsUrl;
    pending = next === undefined ? undefined : more(next);
    // Read when the caller asks for the page; until then a failure must not count as unhandled.
    pending?.catch(() => {});
    return page.records;
  };
  yield rowsOf(
    await session.call((conn) => conn.query(soql, { headers: batchHeaders, autoFetch: false })),
    onTotal,
  );
  while (pending) yield rowsOf(await pending);
}

/** Run a query to the end and return every row (for small lookups). */
export async function queryAll(session: SalesforceSession, soql: string): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for await (const page of queryPages(session, soql)) rows.push(...page);
  return rows;
}

/**
 * Flatten a query row to field → value: `attributes` dropped, relationship objects kept dotted
 * (`{ Account: { Name } }` → `Account.Name`). A null relationship stays a single null entry.
 */
export function flattenRecord(row: Record<string, unknown>, prefix = ""): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // Keys, not entries, and no prefix to add at the top level: this runs for every record a sync reads.
  for (const key of Object.keys(row)) {
    if (key === "attributes") continue;
    const value = row[key];
    if (value !== null && typeof value === "object" && !Array.isArray(value) && "attributes" in value) {
      Object.assign(out, flattenRecord(value as Record<string, unknown>, `${prefix}${key}.`));
    } else {
      out[prefix === "" ? key : `${prefix}${key}`] = value;
    }
  }
  return out;
}

/** The later of two Salesforce date-times, as ISO. */
export function laterIso(a: string, b: string | undefined): string {
  const first = toIso(a);
  if (b === undefined) return first;
  const second = toIso(b);
  return Date.parse(second) > Date.parse(first) ? second : first;
}
