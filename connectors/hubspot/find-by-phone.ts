import type {
  FilterOperatorEnum,
  PublicObjectSearchRequest,
} from "@hubspot/api-client/lib/codegen/crm/contacts/index.js";
import { z } from "zod";
import type { PhoneMatch, PhoneQuery } from "../types.js";
import { hubspotLimits } from "./limits.js";
import { pagingSchema, sdkObjectSchema } from "./records.js";
import type { HubspotTransport } from "./transport.js";

/** Contact properties that hold a number (HubSpot's default contact properties). */
export const contactPhoneProperties = ["phone", "mobilephone"] as const;

/**
 * Written forms one search may carry: one IN filter of at most 100 values per property and filter
 * group, and two groups per property (2 properties × 2 groups = 4 of the 5 groups allowed).
 */
const valuesPerSearch = 2 * hubspotLimits.search.maxInValues;

/** Contacts one search reads back: one page at the documented maximum (a number on more shows the first 200). */
const resultLimit = hubspotLimits.search.maxPageSize;

const searchResponseSchema = z.object({ results: z.array(sdkObjectSchema), paging: pagingSchema });

/**
 * One search (`POST /crm/v3/objects/contacts/search`) for the written forms of one or more numbers:
 * per phone property, one filter group per 100 forms, each an IN (groups are ORed; within HubSpot's
 * 5 groups × 6 filters, 18 filters, 100 values per IN). HubSpot matches the stored string exactly,
 * hence the forms; the answer is filtered again on digits so a near miss never pops the wrong record.
 * https://developers.hubspot.com/docs/api/crm/search#limitations
 */
export function phoneSearchBody(queries: readonly PhoneQuery[]): PublicObjectSearchRequest {
  const values = [...new Set(queries.flatMap((query) => formsOf(query)))];
  const chunks: string[][] = [];
  for (let i = 0; i < values.length; i += hubspotLimits.search.maxInValues)
    chunks.push(values.slice(i, i + hubspotLimits.search.maxInValues));
  return {
    filterGroups: contactPhoneProperties.flatMap((propertyName) =>
      chunks.map((chunk) => ({
        filters: [{ propertyName, operator: "IN" as FilterOperatorEnum, values: chunk }],
      })),
    ),
    sorts: ["hs_object_id"],
    properties: ["firstname", "lastname", ...contactPhoneProperties],
    limit: resultLimit,
    after: "0",
  };
}

function formsOf(query: PhoneQuery): string[] {
  return query.forms.slice(0, hubspotLimits.search.maxInValues);
}

function sameNumber(stored: string | null | undefined, query: PhoneQuery): boolean {
  if (!stored) return false;
  const digits = stored.replace(/\D/g, "");
  return digits.length > 0 && query.forms.some((form) => form.replace(/\D/g, "") === digits);
}

type Contact = z.infer<typeof sdkObjectSchema>;

function matchesOf(
  contacts: readonly Contact[],
  query: PhoneQuery,
  recordUrl: ((id: string) => string) | undefined,
): PhoneMatch[] {
  const matches: PhoneMatch[] = [];
  for (const contact of contacts) {
    const field = contactPhoneProperties.find((name) => sameNumber(contact.properties[name], query));
    if (!field) continue;
    const name = [contact.properties.firstname, contact.properties.lastname].filter(Boolean).join(" ");
    matches.push({
      objectType: "contacts",
      id: contact.id,
      ...(name ? { name } : {}),
      phoneField: field,
      phone: String(contact.properties[field]),
      ...(recordUrl ? { url: recordUrl(contact.id) } : {}),
    });
  }
  return matches;
}

interface Waiting {
  query: PhoneQuery;
  resolve(matches: PhoneMatch[]): void;
  reject(error: unknown): void;
}

/**
 * Contacts by phone for screen pops, within the account's search budget (5 requests/s, shared with
 * sync): numbers asked for while a search waits for its slot ride in that search, so 50 concurrent
 * screen pops cost a few searches, not 50 queued at 5/s. At most one search waits for a slot at a
 * time; it takes every waiting number whose forms fit (`valuesPerSearch`) when its slot comes.
 */
export class PhoneSearchBatcher {
  private readonly waiting: Waiting[] = [];
  /** A search has been started and has not taken its numbers yet (it is waiting for its slot). */
  private gathering = false;

  constructor(
    private readonly transport: HubspotTransport,
    private readonly recordUrl: ((id: string) => string) | undefined,
  ) {}

  find(query: PhoneQuery): Promise<PhoneMatch[]> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ query, resolve, reject });
      this.start();
    });
  }

  private start(): void {
    if (this.gathering || this.waiting.length === 0) return;
    this.gathering = true;
    let batch: Waiting[] | undefined;
    // Called when the transport has a slot (again on a retry, which resends the same numbers).
    const take = (): Waiting[] => {
      if (!batch) {
        batch = this.takeBatch();
        this.gathering = false;
        this.start();
      }
      return batch;
    };
    this.search(take).then(
      (contacts) => {
        for (const each of take()) each.resolve(matchesOf(contacts, each.query, this.recordUrl));
      },
      (error: unknown) => {
        // A failure before the slot (a paused budget) fails the numbers gathered so far too.
        for (const each of take()) each.reject(error);
      },
    );
  }

  /** The oldest waiting numbers whose distinct forms fit one search (at least one). */
  private takeBatch(): Waiting[] {
    const values = new Set<string>();
    let count = 0;
    for (const each of this.waiting) {
      const added = formsOf(each.query).filter((form) => !values.has(form));
      if (count > 0 && values.size + added.length > valuesPerSearch) break;
      for (const form of added) values.add(form);
      count++;
    }
    return this.waiting.splice(0, count);
  }

  private async search(take: () => Waiting[]): Promise<Contact[]> {
    let queries: PhoneQuery[] = [];
    const page = searchResponseSchema.parse(
      await this.transport.call(
        "contacts.search-phone",
        (client, options) => {
          queries = take().map((each) => each.query);
          return client.crm.contacts.searchApi.doSearch(phoneSearchBody(queries), options);
        },
        { search: true, idempotent: true },
      ),
    );
    if (!page.paging?.next || queries.length === 1) return page.results;
    // More contacts than one page: the numbers of this batch are looked up one by one (one page each,
    // as a single number always was) rather than paging a search whose pages mix numbers.
    const singles = await Promise.all(queries.map((query) => this.single(query)));
    return [...new Map(singles.flat().map((contact) => [contact.id, contact])).values()];
  }

  private async single(query: PhoneQuery): Promise<Contact[]> {
    const page = searchResponseSchema.parse(
      await this.transport.call(
        "contacts.search-phone",
        (client, options) => client.crm.contacts.searchApi.doSearch(phoneSearchBody([query]), options),
        { search: true, idempotent: true },
      ),
    );
    return page.results;
  }
}
