import { salesforceIdPattern, salesforceLimits } from "./limits.js";

/**
 * SOQL text built only from allow-listed names and escaped values. The one piece of raw SOQL is the
 * admin's `where`, which is configuration, embedded in parentheses.
 * Escapes: https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_quotedstringescapes.htm
 */

/** Field names the connector will put in a query: `Name`, `Custom__c`, one relationship hop `Account.Name`. */
export const fieldNamePattern = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;
/** sObject names (for describe); Lead/Contact pulls use the fixed list in config.ts. */
export const objectNamePattern = /^[A-Za-z][A-Za-z0-9_]*$/;

/** Where a stream is: the last record handed out, in `ORDER BY SystemModstamp, Id` order. */
export interface Position {
  /** ISO 8601 SystemModstamp of the last record. */
  modstamp: string;
  /** Its Id; `""` means "everything modified at `modstamp` or later". */
  id: string;
}

export class SoqlBuildError extends Error {
  override readonly name = "SoqlBuildError";
}

const escapes: Record<string, string> = {
  "\\": "\\\\",
  "'": "\\'",
  '"': '\\"',
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\b": "\\b",
  "\f": "\\f",
};

/** Escape a value for use inside a quoted SOQL string. Other control characters become `\uXXXX`. */
export function escapeSoqlString(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is escaped
  return value.replace(/[\\'"\u0000-\u001f\u007f]/g, (ch) => {
    return escapes[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`;
  });
}

/** A quoted, escaped SOQL string literal. */
export function soqlString(value: string): string {
  return `'${escapeSoqlString(value)}'`;
}

/** A SOQL dateTime literal (unquoted, UTC). Milliseconds are kept only when present (Salesforce stores seconds). */
export function soqlDateTime(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new SoqlBuildError(`not a date-time: ${JSON.stringify(iso)}`);
  const text = new Date(ms).toISOString();
  return text.endsWith(".000Z") ? `${text.slice(0, 19)}Z` : text;
}

/** Salesforce's `2024-01-15T10:30:00.000+0000` → `2024-01-15T10:30:00.000Z`. */
export function toIso(salesforceDateTime: string): string {
  const ms = Date.parse(salesforceDateTime.replace(/([+-]\d{2})(\d{2})$/, "$1:$2"));
  if (Number.isNaN(ms)) throw new SoqlBuildError(`not a date-time: ${JSON.stringify(salesforceDateTime)}`);
  return new Date(ms).toISOString();
}

/** Throws unless every name matches the allow-list pattern. */
export function assertFieldNames(names: readonly string[]): void {
  const bad = names.filter((name) => !fieldNamePattern.test(name));
  if (bad.length > 0) {
    throw new SoqlBuildError(
      `field names must look like Name, Custom__c or Account.Name; rejected: ${bad.map((n) => JSON.stringify(n)).join(", ")}`,
    );
  }
}

function assertId(id: string): string {
  if (!salesforceIdPattern.test(id)) throw new SoqlBuildError(`not a Salesforce id: ${JSON.stringify(id)}`);
  return id;
}

/** `required` first, then `fields`, without duplicates (SOQL rejects a field selected twice, in any case). */
export function selectList(required: readonly string[], fields: readonly string[], prefix = ""): string[] {
  assertFieldNames(fields);
  const seen = new Set<string>();
  const out: string[] = [];
  for (const name of [...required, ...fields]) {
    const key = name.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(`${prefix}${name}`);
  }
  return out;
}

/** Records strictly after `after` in `(SystemModstamp, Id)` order. */
export function afterCondition(after: Position): string {
  const at = soqlDateTime(after.modstamp);
  if (after.id === "") return `SystemModstamp >= ${at}`;
  return `(SystemModstamp > ${at} OR (SystemModstamp = ${at} AND Id > ${soqlString(assertId(after.id))}))`;
}

function whereClause(conditions: readonly (string | undefined)[]): string {
  const present = conditions.filter((c): c is string => c !== undefined && c !== "");
  return present.length === 0 ? "" : ` WHERE ${present.join(" AND ")}`;
}

function finish(soql: string): string {
  if (soql.length > salesforceLimits.maxSoqlLength) {
    throw new SoqlBuildError(
      `query is ${soql.length} characters; Salesforce accepts ${salesforceLimits.maxSoqlLength}`,
    );
  }
  return soql;
}

/** The admin's condition, parenthesised; blank means none. */
function adminWhere(where: string | undefined): string | undefined {
  const trimmed = where?.trim();
  return trimmed ? `(${trimmed})` : undefined;
}

const order = " ORDER BY SystemModstamp, Id";

/** Records of an object source, in cursor order. */
export function objectPageQuery(input: {
  object: string;
  fields: readonly string[];
  where?: string | undefined;
  after?: Position | undefined;
}): string {
  const select = selectList(["Id", "SystemModstamp"], input.fields).join(", ");
  const where = whereClause([adminWhere(input.where), input.after && afterCondition(input.after)]);
  return finish(`SELECT ${select} FROM ${input.object}${where}${order}`);
}

/**
 * Ids of records changed since `since` (`null`: any record) that no longer match the admin's `where`:
 * they left the source.
 */
export function leaverQuery(input: { object: string; where: string; since: string | null }): string {
  const where = adminWhere(input.where);
  if (!where) throw new SoqlBuildError("a leaver query needs a where condition");
  const since = input.since === null ? undefined : `SystemModstamp >= ${soqlDateTime(input.since)}`;
  return finish(`SELECT Id FROM ${input.object}${whereClause([since, `(NOT ${where})`])}`);
}

export const memberBaseFields = ["Id", "Status", "LeadId", "ContactId", "SystemModstamp"] as const;

/** Members of a campaign with their Lead/Contact fields, in cursor order. */
export function campaignMemberQuery(input: {
  campaignId: string;
  leadFields: readonly string[];
  contactFields: readonly string[];
  after?: Position | undefined;
}): string {
  const select = [
    ...memberBaseFields,
    ...selectList(["Id", "SystemModstamp"], input.leadFields, "Lead."),
    ...selectList(["Id", "SystemModstamp"], input.contactFields, "Contact."),
  ].join(", ");
  const where = whereClause([
    `CampaignId = ${soqlString(assertId(input.campaignId))}`,
    input.after && afterCondition(input.after),
  ]);
  return finish(`SELECT ${select} FROM CampaignMember${where}${order}`);
}

function statusFilter(statuses: readonly string[] | undefined): string | undefined {
  if (!statuses) return undefined;
  if (statuses.length === 0) throw new SoqlBuildError("memberStatuses is empty: no member could match");
  return `Status IN (${statuses.map(soqlString).join(", ")})`;
}

/**
 * Lead or Contact records of a campaign's members, in cursor order: catches edits to the records
 * themselves, which do not touch CampaignMember.SystemModstamp. A converted lead's member row carries
 * both LeadId and ContactId; it is read as the Contact.
 */
export function memberRecordQuery(input: {
  object: "Lead" | "Contact";
  campaignId: string;
  fields: readonly string[];
  statuses?: readonly string[] | undefined;
  after?: Position | undefined;
}): string {
  const select = selectList(["Id", "SystemModstamp"], input.fields).join(", ");
  const link = input.object === "Lead" ? "LeadId" : "ContactId";
  const inner = whereClause([
    `CampaignId = ${soqlString(assertId(input.campaignId))}`,
    input.object === "Lead" ? "ContactId = null" : undefined,
    statusFilter(input.statuses),
  ]);
  const where = whereClause([
    `Id IN (SELECT ${link} FROM CampaignMember${inner})`,
    input.after && afterCondition(input.after),
  ]);
  return finish(`SELECT ${select} FROM ${input.object}${where}${order}`);
}

/** The campaign's member rows for some Lead or Contact ids (to give record edits their member id). */
export function membersOfRecordsQuery(input: {
  object: "Lead" | "Contact";
  campaignId: string;
  ids: readonly string[];
}): string {
  const link = input.object === "Lead" ? "LeadId" : "ContactId";
  const ids = input.ids.map((id) => soqlString(assertId(id))).join(", ");
  return finish(
    `SELECT ${memberBaseFields.join(", ")} FROM CampaignMember WHERE CampaignId = ${soqlString(assertId(input.campaignId))} AND ${link} IN (${ids})`,
  );
}

/** Tasks already written for some outcome ids (Task.CallObject holds the outcomeId). */
export function tasksByCallObjectQuery(outcomeIds: readonly string[]): string {
  return finish(
    `SELECT Id, CallObject FROM Task WHERE CallObject IN (${outcomeIds.map(soqlString).join(", ")})`,
  );
}

/**
 * Split values for `IN (...)` lists: at most `count` values and `bytes` of URL-encoded text each (a
 * query travels in the URL).
 */
export function chunkForIn<T extends string>(
  values: readonly T[],
  count: number = salesforceLimits.inClauseChunk,
  bytes = 8_000,
): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const value of values) {
    const cost = encodeURIComponent(`${soqlString(value)}, `).length;
    if (current.length > 0 && (current.length >= count || size + cost > bytes)) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(value);
    size += cost;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
