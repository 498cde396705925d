import { z } from "zod";
import type { PhoneMatch, PhoneQuery, RateLimiter } from "../types.js";
import type { SalesforceSession } from "./auth.js";

/**
 * Characters SOSL's FIND clause reserves; each is written with a backslash before it.
 * https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_sosl_find.htm
 * ("Escaping special characters & | ! ( ) { } [ ] ^ " ~ * ? : \ ' + -")
 */
const soslReserved = /[&|!(){}[\]^"~*?:\\'+-]/g;

/** A search term safe inside `FIND {…}`: reserved characters escaped, line breaks and controls dropped. */
export function escapeSoslTerm(term: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed.
  return term.replace(/[\u0000-\u001f\u007f]/g, " ").replace(soslReserved, (c) => `\\${c}`);
}

/** Phone fields searched on each object (standard fields only; an org's custom phone fields also match SOSL but are not read back). */
const phoneFields = {
  Lead: ["Phone", "MobilePhone"],
  Contact: ["Phone", "MobilePhone", "HomePhone"],
} as const;

/** Records per object a screen pop reads back: enough for shared numbers, small enough to answer fast. */
const perObjectLimit = 20;

/**
 * `FIND {<digits>} IN PHONE FIELDS RETURNING Lead(Id, Name, Phone, MobilePhone LIMIT 20), Contact(…)`.
 * SOSL tokenises phone fields, so the national digits find "(415) 555-0100" as well as "+1 415…".
 */
export function phoneSosl(term: string): string {
  const returning = Object.entries(phoneFields)
    .map(([object, fields]) => `${object}(Id, Name, ${fields.join(", ")} LIMIT ${perObjectLimit})`)
    .join(", ");
  return `FIND {${escapeSoslTerm(term)}} IN PHONE FIELDS RETURNING ${returning}`;
}

const searchResultSchema = z.object({
  searchRecords: z.array(
    z.looseObject({
      attributes: z.object({ type: z.string() }),
      Id: z.string(),
      Name: z.string().nullish(),
    }),
  ),
});

/** The number matches when the stored value's digits are those of one of its written forms. */
function sameNumber(stored: unknown, query: PhoneQuery): boolean {
  if (typeof stored !== "string") return false;
  const digits = stored.replace(/\D/g, "");
  return digits.length > 0 && query.forms.some((form) => form.replace(/\D/g, "") === digits);
}

/**
 * The Leads and Contacts carrying the number. Each search takes a slot of the integration's search
 * bucket (Salesforce documents no per-second REST limit, but every call spends the org's daily quota,
 * which `session.call` guards), so screen pops cannot crowd out writeback.
 */
export async function findByPhone(
  session: SalesforceSession,
  rateLimiter: RateLimiter,
  integrationId: string,
  config: { instanceUrl: string; searchRequestsPerSecond: number },
  query: PhoneQuery,
): Promise<PhoneMatch[]> {
  await rateLimiter.acquire(`salesforce:${integrationId}:search`, config.searchRequestsPerSecond, 1_000);
  const raw = await session.call((conn) => conn.search(phoneSosl(query.nationalDigits)));
  const { searchRecords } = searchResultSchema.parse(raw);
  const host = config.instanceUrl.replace(/\/$/, "");
  const matches: PhoneMatch[] = [];
  for (const record of searchRecords) {
    const object = record.attributes.type;
    const fields: readonly string[] = phoneFields[object as keyof typeof phoneFields] ?? [];
    const field = fields.find((name) => sameNumber(record[name], query));
    if (!field) continue;
    matches.push({
      objectType: object,
      id: record.Id,
      ...(record.Name ? { name: record.Name } : {}),
      phoneField: field,
      phone: String(record[field]),
      url: `${host}/lightning/r/${object}/${record.Id}/view`,
    });
  }
  return matches;
}
