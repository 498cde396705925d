import { z } from "zod";
import { SalesforceApiError } from "./errors.js";
import { apiVersion, fieldNamed, kind, type RouteContext } from "./http.js";
import { objectDef, type SfRecord } from "./schema.js";
import type { SalesforceStore } from "./store.js";
import { renderValue } from "./values.js";

/**
 * The SOSL subset a screen pop sends: `FIND {term OR term…} IN PHONE FIELDS RETURNING Obj(f1, f2 LIMIT n), …`.
 * The term is read as SOSL reads it: a backslash escapes the next character; an unescaped reserved
 * character is an operator the sandbox does not support, so it answers MALFORMED_SEARCH as Salesforce
 * does for a broken search. Phone fields match on digits: a stored "(415) 555-0100" is found by
 * 4155550100 (Salesforce indexes phone numbers without punctuation).
 * https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_sosl_find.htm
 */
const reserved = new Set("&|!(){}[]^\"~*?:\\'+-");

function malformedSearch(message: string): SalesforceApiError {
  return new SalesforceApiError(400, "MALFORMED_SEARCH", message);
}

/** The term inside `FIND {…}` and the rest of the statement. */
export function readFindTerm(sosl: string): { term: string; rest: string } {
  const start = /^\s*FIND\s*\{/i.exec(sosl);
  if (!start) throw malformedSearch("expected FIND {…}");
  let term = "";
  for (let i = start[0].length; i < sosl.length; i++) {
    const c = sosl.charAt(i);
    if (c === "\\") {
      const next = sosl.charAt(i + 1);
      if (!reserved.has(next)) throw malformedSearch(`invalid escape \\${next} in the search term`);
      term += next;
      i++;
    } else if (c === "}") {
      return { term, rest: sosl.slice(i + 1) };
    } else if (reserved.has(c)) {
      throw malformedSearch(`search operator "${c}" is not supported by the sandbox (escape it with \\)`);
    } else {
      term += c;
    }
  }
  throw malformedSearch("missing } after the search term");
}

const returningPattern = /^\s*IN\s+PHONE\s+FIELDS\s+RETURNING\s+(.+)$/is;
const objectPattern = /^\s*(\w+)\s*\(([^)]*)\)\s*$/;

function parseReturning(rest: string): Array<{ object: string; fields: string[]; limit: number }> {
  const match = returningPattern.exec(rest);
  if (!match?.[1]) throw malformedSearch("the sandbox supports IN PHONE FIELDS RETURNING Obj(fields) only");
  return match[1].split(/\)\s*,/).map((part) => {
    const spec = objectPattern.exec(part.trim().endsWith(")") ? part : `${part})`);
    if (!spec?.[1] || spec[2] === undefined) throw malformedSearch(`cannot read RETURNING ${part}`);
    const limit = /\s+LIMIT\s+(\d+)\s*$/i.exec(spec[2]);
    const list = limit ? spec[2].slice(0, limit.index) : spec[2];
    return {
      object: spec[1],
      fields: list
        .split(",")
        .map((f) => f.trim())
        .filter(Boolean),
      limit: limit?.[1] ? Number(limit[1]) : 2000,
    };
  });
}

function carries(record: SfRecord, phoneFields: readonly string[], terms: readonly string[]): boolean {
  return phoneFields.some((name) => {
    const value = record[name];
    if (typeof value !== "string") return false;
    const stored = value.replace(/\D/g, "");
    return stored.length > 0 && terms.some((digits) => stored === digits || stored.endsWith(digits));
  });
}

/**
 * Salesforce keeps a search index, so a phone search does not read every record. The sandbox's: per
 * object, the row positions whose phone fields end in each 7-digit tail (a search term of 7 digits or
 * more ends in the same tail as every value it matches), rebuilt when the object's rows change.
 */
const tailDigits = 7;
const phoneIndexes = new WeakMap<
  SalesforceStore,
  Map<string, { generation: number; byTail: Map<string, number[]> }>
>();

function phoneIndex(
  store: SalesforceStore,
  object: string,
  phoneFields: readonly string[],
): Map<string, number[]> {
  let perObject = phoneIndexes.get(store);
  if (!perObject) {
    perObject = new Map();
    phoneIndexes.set(store, perObject);
  }
  const generation = store.generation(object);
  const cached = perObject.get(object);
  if (cached?.generation === generation) return cached.byTail;
  const byTail = new Map<string, number[]>();
  store.rows(object).forEach((record, position) => {
    const tails = new Set<string>();
    for (const name of phoneFields) {
      const value = record[name];
      if (typeof value === "string") tails.add(value.replace(/\D/g, "").slice(-tailDigits));
    }
    for (const tail of tails) {
      const positions = byTail.get(tail);
      if (positions) positions.push(position);
      else byTail.set(tail, [position]);
    }
  });
  perObject.set(object, { generation, byTail });
  return byTail;
}

/** The rows to test, in id order: the index's candidates when every term is long enough, every row otherwise. */
function candidates(
  store: SalesforceStore,
  object: string,
  phoneFields: readonly string[],
  terms: readonly string[],
) {
  const rows = store.rows(object);
  if (terms.some((digits) => digits.length < tailDigits)) return rows;
  const index = phoneIndex(store, object, phoneFields);
  const positions = new Set(terms.flatMap((digits) => index.get(digits.slice(-tailDigits)) ?? []));
  return [...positions].sort((a, b) => a - b).map((position) => rows[position] as SfRecord);
}

export function runPhoneSearch(store: SalesforceStore, sosl: string, version: string) {
  const { term, rest } = readFindTerm(sosl);
  // `a OR b`: a record matches either term (the only logical operator the sandbox reads).
  const terms = term
    .split(/\s+OR\s+/)
    .map((part) => part.replace(/\D/g, ""))
    .filter((digits) => digits.length >= 2); // SOSL needs at least two characters to search.
  const searchRecords: Record<string, unknown>[] = [];
  for (const { object, fields, limit } of parseReturning(rest)) {
    const def = objectDef(object);
    if (!def) throw new SalesforceApiError(400, "INVALID_TYPE", `sObject type '${object}' is not supported.`);
    const defs = fields.map((name) => fieldNamed(def, name));
    const phoneFields = def.fields.filter((f) => f.type === "phone").map((f) => f.name);
    if (terms.length === 0) continue;
    let taken = 0;
    for (const record of candidates(store, def.name, phoneFields, terms)) {
      if (taken >= limit) break;
      if (record.IsDeleted || !carries(record, phoneFields, terms)) continue;
      const out: Record<string, unknown> = {
        attributes: {
          type: def.name,
          url: `/services/data/${version}/sobjects/${def.name}/${String(record.Id)}`,
        },
      };
      for (const field of defs) out[field.name] = renderValue(field, record[field.name]);
      searchRecords.push(out);
      taken++;
    }
  }
  return { searchRecords };
}

const searchQuery = z.object({ q: z.string().optional() });

/** `GET /data/vXX.X/search?q=<SOSL>`. */
export function searchRoutes({ app, sandbox }: RouteContext): void {
  app.get("/data/:version/search", kind("search"), async (request) => {
    const version = apiVersion(request);
    const { q } = searchQuery.parse(request.query);
    if (!q) throw malformedSearch("A search string has to be specified");
    return runPhoneSearch(sandbox.store, q, version);
  });
}
