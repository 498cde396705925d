import { z } from "zod";
import { SearchBatcher } from "../search-batcher.js";
import type { PhoneMatch, PhoneQuery, PhoneSource, RateLimiter } from "../types.js";
import type { SalesforceSession } from "./auth.js";
import { customObjectPattern } from "./config.js";
import type { DescribeResult } from "./describe.js";

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

/** An object a phone search returns, with the phone fields read back (names as describe spells them). */
export interface PhoneSearchObject {
  object: string;
  fields: readonly string[];
  /** Whether the object has a Name field to read back (every standard object here, custom objects too). */
  name: boolean;
}

/** Lead and Contact, always searched: an inbound caller may be any person in the org. */
export const personObjects: readonly PhoneSearchObject[] = [
  { object: "Lead", fields: ["Phone", "MobilePhone"], name: true },
  { object: "Contact", fields: ["Phone", "MobilePhone", "HomePhone"], name: true },
];

/** Records per object and number a screen pop reads back: enough for shared numbers, small enough to answer fast. */
const perObjectLimit = 20;

/**
 * Numbers one search carries (`FIND {a OR b OR …}`): 20 terms of ≤ 15 digits stay far below the
 * 4,000 characters past which SOSL drops logical operators, and 20 × 20 rows per object below the
 * 2,000 rows a search returns (SOSL syntax reference).
 */
const termsPerSearch = 20;

/**
 * `FIND {<digits> OR <digits>} IN PHONE FIELDS RETURNING Lead(Id, Name, Phone, MobilePhone LIMIT 20), Contact(…), …`.
 * SOSL tokenises phone fields, so the national digits find "(415) 555-0100" as well as "+1 415…".
 * Object and field names come from describe (allow-listed), terms are escaped.
 */
export function phoneSosl(
  terms: readonly string[],
  objects: readonly PhoneSearchObject[] = personObjects,
): string {
  const limit = perObjectLimit * Math.max(1, terms.length);
  const returning = objects
    .map(
      ({ object, fields, name }) =>
        `${object}(${["Id", ...(name ? ["Name"] : []), ...fields].join(", ")} LIMIT ${limit})`,
    )
    .join(", ");
  return `FIND {${terms.map(escapeSoslTerm).join(" OR ")}} IN PHONE FIELDS RETURNING ${returning}`;
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
type SearchRecord = z.infer<typeof searchResultSchema>["searchRecords"][number];

/** The number matches when the stored value's digits are those of one of its written forms. */
function sameNumber(stored: unknown, query: PhoneQuery): boolean {
  if (typeof stored !== "string") return false;
  const digits = stored.replace(/\D/g, "");
  return digits.length > 0 && query.forms.some((form) => form.replace(/\D/g, "") === digits);
}

function fieldOf(result: DescribeResult, name: string): DescribeResult["fields"][number] | undefined {
  return result.fields.find((field) => field.name.toLowerCase() === name.toLowerCase());
}

/**
 * The Account and custom objects the integration's sources pull, each with the phone fields its
 * mapping reads (Account also its Phone and PersonMobilePhone) that describe lists as phone fields:
 * names from describe only, so nothing a config says reaches the SOSL unchecked. Objects that cannot
 * be described are left out (`telesync check --live` names them).
 */
export async function sourceSearchObjects(
  describe: (object: string) => Promise<DescribeResult>,
  sources: readonly PhoneSource[],
): Promise<PhoneSearchObject[]> {
  const wanted = new Map<string, Set<string>>();
  for (const source of sources) {
    const object = source.select.object;
    if (typeof object !== "string" || (object !== "Account" && !customObjectPattern.test(object))) continue;
    const fields = wanted.get(object) ?? new Set(object === "Account" ? ["Phone", "PersonMobilePhone"] : []);
    for (const name of source.phoneFields) if (!name.includes(".")) fields.add(name);
    wanted.set(object, fields);
  }
  const out: PhoneSearchObject[] = [];
  for (const [object, names] of wanted) {
    let result: DescribeResult;
    try {
      result = await describe(object);
    } catch {
      continue;
    }
    const fields = [...names].flatMap((name) => {
      const field = fieldOf(result, name);
      return field?.type === "phone" ? [field.name] : [];
    });
    if (fields.length > 0)
      out.push({ object: result.name, fields: [...new Set(fields)], name: !!fieldOf(result, "Name") });
  }
  return out;
}

/**
 * Screen-pop searches of one integration. Each SOSL takes a slot of the integration's search bucket
 * (Salesforce documents no per-second REST limit, but every call spends the org's daily quota, which
 * `session.call` guards), so screen pops cannot crowd out writeback; numbers asked for while a search
 * waits for its slot ride in that search (`FIND {a OR b}`), up to `termsPerSearch`.
 */
export class SalesforcePhoneSearches {
  /** Numbers waiting for a slot share one SOSL (`FIND {a OR b}`), up to `termsPerSearch`. */
  private readonly batcher: SearchBatcher<{
    records: SearchRecord[];
    objects: readonly PhoneSearchObject[];
  }>;

  constructor(
    private readonly deps: {
      session: SalesforceSession;
      rateLimiter: RateLimiter;
      integrationId: string;
      config: { searchRequestsPerSecond: number };
      recordUrl(object: string, id: string): string;
      /** The objects to search (Lead and Contact first). */
      objects(): Promise<readonly PhoneSearchObject[]>;
    },
  ) {
    this.batcher = new SearchBatcher({
      // The search bucket's window (1 s) over its slots.
      spacingMs: 1_000 / deps.config.searchRequestsPerSecond,
      fits: () => termsPerSearch,
      search: (take) => this.search(take),
      matches: ({ records, objects }, query) => this.matchesOf(records, objects, query),
    });
  }

  find(query: PhoneQuery): Promise<PhoneMatch[]> {
    return this.batcher.find(query);
  }

  private async search(take: () => PhoneQuery[]) {
    const objects = await this.deps.objects();
    const { rateLimiter, integrationId, config } = this.deps;
    await rateLimiter.acquire(`salesforce:${integrationId}:search`, config.searchRequestsPerSecond, 1_000);
    const queries = take();
    const records = await this.sosl(queries, objects);
    const limit = perObjectLimit * queries.length;
    const full = objects.some(
      ({ object }) => records.filter((r) => r.attributes.type === object).length >= limit,
    );
    if (!full || queries.length === 1) return { records, objects };
    // An object hit its LIMIT: some number's records may be cut off, so each number is searched alone.
    const singles = await Promise.all(
      queries.map(async (query) => {
        await rateLimiter.acquire(
          `salesforce:${integrationId}:search`,
          config.searchRequestsPerSecond,
          1_000,
        );
        return this.sosl([query], objects);
      }),
    );
    return { records: [...new Map(singles.flat().map((r) => [r.Id, r])).values()], objects };
  }

  private async sosl(
    queries: readonly PhoneQuery[],
    objects: readonly PhoneSearchObject[],
  ): Promise<SearchRecord[]> {
    const sosl = phoneSosl(
      queries.map((query) => query.nationalDigits),
      objects,
    );
    const raw = await this.deps.session.call((conn) => conn.search(sosl));
    return searchResultSchema.parse(raw).searchRecords;
  }

  private matchesOf(
    records: readonly SearchRecord[],
    objects: readonly PhoneSearchObject[],
    query: PhoneQuery,
  ): PhoneMatch[] {
    const fieldsOf = new Map(objects.map(({ object, fields }) => [object, fields]));
    const matches: PhoneMatch[] = [];
    for (const record of records) {
      const object = record.attributes.type;
      const field = (fieldsOf.get(object) ?? []).find((name) => sameNumber(record[name], query));
      if (!field) continue;
      matches.push({
        objectType: object,
        id: record.Id,
        ...(record.Name ? { name: record.Name } : {}),
        phoneField: field,
        phone: String(record[field]),
        url: this.deps.recordUrl(object, record.Id),
      });
    }
    return matches;
  }
}
