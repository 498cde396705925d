import type {
  FilterOperatorEnum,
  PublicObjectSearchRequest,
} from "@hubspot/api-client/lib/codegen/crm/objects/index.js";
import { z } from "zod";
import { SearchBatcher } from "../search-batcher.js";
import type { PhoneMatch, PhoneQuery } from "../types.js";
import type { HubspotIntegration } from "./config.js";
import { hubspotLimits } from "./limits.js";
import { pagingSchema, sdkObjectSchema } from "./records.js";
import type { HubspotTransport } from "./transport.js";

/** Contact properties that hold a number (HubSpot's default contact properties). */
export const contactPhoneProperties = ["phone", "mobilephone"] as const;

/** Records one search reads back: one page at the documented maximum (a number on more shows the first 200). */
const resultLimit = hubspotLimits.search.maxPageSize;

/** HubSpot's limit on filter groups per search (groups are ORed). */
const maxFilterGroups = 5;

const searchResponseSchema = z.object({ results: z.array(sdkObjectSchema), paging: pagingSchema });

type SdkRecord = z.infer<typeof sdkObjectSchema>;

/** An object searched by phone: its phone properties and the properties that name a record. */
export interface PhoneSearchTarget {
  objectType: string;
  phoneProperties: readonly string[];
  nameProperties: readonly string[];
}

const contactsTarget: PhoneSearchTarget = {
  objectType: "contacts",
  phoneProperties: contactPhoneProperties,
  nameProperties: ["firstname", "lastname"],
};

/**
 * What the lookup searches: contacts, then each company or custom object of the `objects` block
 * with phone properties (companies default to `phone`, HubSpot's default company phone property).
 */
export function phoneSearchTargets(config: Pick<HubspotIntegration, "objects">): PhoneSearchTarget[] {
  const targets: PhoneSearchTarget[] = [contactsTarget];
  for (const [objectType, settings] of Object.entries(config.objects)) {
    const phoneProperties = settings.phoneProperties ?? (objectType === "companies" ? ["phone"] : []);
    if (phoneProperties.length === 0) continue;
    targets.push({ objectType, phoneProperties, nameProperties: objectType === "companies" ? ["name"] : [] });
  }
  return targets;
}

/** IN filters of 100 values each that fit one search for this target: its properties share the 5 groups. */
function chunksPerProperty(target: PhoneSearchTarget): number {
  return Math.max(1, Math.floor(maxFilterGroups / Math.max(1, target.phoneProperties.length)));
}

/** Distinct written forms one search may carry for this target. */
function valuesPerSearch(target: PhoneSearchTarget): number {
  return chunksPerProperty(target) * hubspotLimits.search.maxInValues;
}

function formsOf(query: PhoneQuery): string[] {
  return query.forms.slice(0, hubspotLimits.search.maxInValues);
}

/**
 * One search (`POST /crm/v3/objects/{objectType}/search`) for the written forms of one or more numbers:
 * per phone property, one filter group per 100 forms, each an IN (groups are ORed; within HubSpot's
 * 5 groups × 6 filters, 18 filters, 100 values per IN). HubSpot matches the stored string exactly,
 * hence the forms; the answer is filtered again on digits so a near miss never pops the wrong record.
 * https://developers.hubspot.com/docs/api/crm/search#limitations
 */
export function phoneSearchBody(
  queries: readonly PhoneQuery[],
  target: PhoneSearchTarget = contactsTarget,
): PublicObjectSearchRequest {
  const values = [...new Set(queries.flatMap((query) => formsOf(query)))];
  const chunks: string[][] = [];
  for (let i = 0; i < values.length; i += hubspotLimits.search.maxInValues)
    chunks.push(values.slice(i, i + hubspotLimits.search.maxInValues));
  return {
    filterGroups: target.phoneProperties.flatMap((propertyName) =>
      chunks.map((chunk) => ({
        filters: [{ propertyName, operator: "IN" as FilterOperatorEnum, values: chunk }],
      })),
    ),
    sorts: ["hs_object_id"],
    properties: [...target.nameProperties, ...target.phoneProperties],
    limit: resultLimit,
    after: "0",
  };
}

function sameNumber(stored: string | null | undefined, query: PhoneQuery): boolean {
  if (!stored) return false;
  const digits = stored.replace(/\D/g, "");
  return digits.length > 0 && query.forms.some((form) => form.replace(/\D/g, "") === digits);
}

type RecordUrl = (objectType: string, id: string) => string | undefined;

function matchesOf(
  target: PhoneSearchTarget,
  records: readonly SdkRecord[],
  query: PhoneQuery,
  recordUrl: RecordUrl | undefined,
): PhoneMatch[] {
  const matches: PhoneMatch[] = [];
  for (const record of records) {
    const field = target.phoneProperties.find((name) => sameNumber(record.properties[name], query));
    if (!field) continue;
    const name = target.nameProperties
      .map((n) => record.properties[n])
      .filter(Boolean)
      .join(" ");
    const url = recordUrl?.(target.objectType, record.id);
    matches.push({
      objectType: target.objectType,
      id: record.id,
      ...(name ? { name } : {}),
      phoneField: field,
      phone: String(record.properties[field]),
      ...(url ? { url } : {}),
    });
  }
  return matches;
}

/** How many of the oldest waiting numbers have distinct forms that fit one search of `target`. */
function numbersThatFit(target: PhoneSearchTarget, waiting: readonly PhoneQuery[]): number {
  const limit = valuesPerSearch(target);
  const values = new Set<string>();
  let count = 0;
  for (const query of waiting) {
    const added = formsOf(query).filter((form) => !values.has(form));
    if (count > 0 && values.size + added.length > limit) break;
    for (const form of added) values.add(form);
    count++;
  }
  return count;
}

/**
 * Records of one object by phone for screen pops, within the account's search budget (5 requests/s,
 * shared with sync): numbers waiting for a slot share one search (`SearchBatcher`), as many as their
 * forms fit (`valuesPerSearch`).
 */
export function phoneSearchBatcher(
  transport: HubspotTransport,
  target: PhoneSearchTarget,
  recordUrl: RecordUrl | undefined,
  /** The integration's search budget (`searchRequestsPerSecond`): searches are paced to it. */
  searchRequestsPerSecond: number,
): SearchBatcher<SdkRecord[]> {
  const searchPage = async (queries: () => PhoneQuery[]) =>
    searchResponseSchema.parse(
      await transport.call(
        `${target.objectType}.search-phone`,
        (client, options) =>
          client.crm.objects.searchApi.doSearch(
            target.objectType,
            phoneSearchBody(queries(), target),
            options,
          ),
        { search: true, idempotent: true },
      ),
    );
  return new SearchBatcher({
    // The transport's window for the search budget: a second plus its margin, over the slots.
    spacingMs: (hubspotLimits.secondlyWindowMs + hubspotLimits.windowMarginMs) / searchRequestsPerSecond,
    fits: (waiting) => numbersThatFit(target, waiting),
    matches: (records, query) => matchesOf(target, records, query, recordUrl),
    async search(take) {
      let queries: PhoneQuery[] = [];
      const page = await searchPage(() => {
        queries = take();
        return queries;
      });
      if (!page.paging?.next || queries.length === 1) return page.results;
      // More records than one page: the numbers of this batch are looked up one by one (one page
      // each, as a single number always was) rather than paging a search whose pages mix numbers.
      const singles = await Promise.all(queries.map((query) => searchPage(() => [query])));
      return [
        ...new Map(singles.flatMap((each) => each.results).map((record) => [record.id, record])).values(),
      ];
    },
  });
}

/**
 * The records carrying the number, contacts first: one batched search per object (each search takes
 * its slot of the account's search budget, 5/s), the objects searched together.
 */
export async function findByPhone(
  batchers: readonly SearchBatcher<SdkRecord[]>[],
  query: PhoneQuery,
): Promise<PhoneMatch[]> {
  const found = await Promise.all(batchers.map((batcher) => batcher.find(query)));
  return found.flat();
}
