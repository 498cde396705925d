import type {
  FilterOperatorEnum,
  PublicObjectSearchRequest,
} from "@hubspot/api-client/lib/codegen/crm/objects/index.js";
import { z } from "zod";
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

interface Waiting {
  query: PhoneQuery;
  resolve(matches: PhoneMatch[]): void;
  reject(error: unknown): void;
}

/**
 * Records of one object by phone for screen pops, within the account's search budget (5 requests/s,
 * shared with sync): numbers asked for while a search waits for its slot ride in that search, so 50
 * concurrent screen pops cost a few searches, not 50 queued at 5/s. At most one search waits for a
 * slot at a time; it takes every waiting number whose forms fit (`valuesPerSearch`) when its slot comes.
 */
export class PhoneSearchBatcher {
  private readonly waiting: Waiting[] = [];
  /** A search has been started and has not taken its numbers yet (it is waiting for its slot). */
  private gathering = false;

  constructor(
    private readonly transport: HubspotTransport,
    private readonly target: PhoneSearchTarget,
    private readonly recordUrl: RecordUrl | undefined,
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
      (records) => {
        for (const each of take()) each.resolve(matchesOf(this.target, records, each.query, this.recordUrl));
      },
      (error: unknown) => {
        // A failure before the slot (a paused budget) fails the numbers gathered so far too.
        for (const each of take()) each.reject(error);
      },
    );
  }

  /** The oldest waiting numbers whose distinct forms fit one search (at least one). */
  private takeBatch(): Waiting[] {
    const limit = valuesPerSearch(this.target);
    const values = new Set<string>();
    let count = 0;
    for (const each of this.waiting) {
      const added = formsOf(each.query).filter((form) => !values.has(form));
      if (count > 0 && values.size + added.length > limit) break;
      for (const form of added) values.add(form);
      count++;
    }
    return this.waiting.splice(0, count);
  }

  private async search(take: () => Waiting[]): Promise<SdkRecord[]> {
    let queries: PhoneQuery[] = [];
    const page = await this.searchPage(() => {
      queries = take().map((each) => each.query);
      return queries;
    });
    if (!page.paging?.next || queries.length === 1) return page.results;
    // More records than one page: the numbers of this batch are looked up one by one (one page each,
    // as a single number always was) rather than paging a search whose pages mix numbers.
    const singles = await Promise.all(queries.map((query) => this.searchPage(() => [query])));
    return [
      ...new Map(singles.flatMap((each) => each.results).map((record) => [record.id, record])).values(),
    ];
  }

  private async searchPage(queries: () => PhoneQuery[]): Promise<z.infer<typeof searchResponseSchema>> {
    const { objectType } = this.target;
    return searchResponseSchema.parse(
      await this.transport.call(
        `${objectType}.search-phone`,
        (client, options) =>
          client.crm.objects.searchApi.doSearch(objectType, phoneSearchBody(queries(), this.target), options),
        { search: true, idempotent: true },
      ),
    );
  }
}

/**
 * The records carrying the number, contacts first: one batched search per object (each search takes
 * its slot of the account's search budget, 5/s), the objects searched together.
 */
export async function findByPhone(
  batchers: readonly PhoneSearchBatcher[],
  query: PhoneQuery,
): Promise<PhoneMatch[]> {
  const found = await Promise.all(batchers.map((batcher) => batcher.find(query)));
  return found.flat();
}
