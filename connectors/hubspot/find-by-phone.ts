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

/** Records a screen pop reads back per object: one search page, enough for a shared office number. */
const resultLimit = 50;

const searchResponseSchema = z.object({ results: z.array(sdkObjectSchema), paging: pagingSchema });

/** An object searched by phone: its phone properties and the properties that name a record. */
export interface PhoneSearchTarget {
  objectType: string;
  phoneProperties: readonly string[];
  nameProperties: readonly string[];
}

/**
 * What the lookup searches: contacts, then each company or custom object of the `objects` block
 * with phone properties (companies default to `phone`, HubSpot's default company phone property).
 */
export function phoneSearchTargets(config: Pick<HubspotIntegration, "objects">): PhoneSearchTarget[] {
  const targets: PhoneSearchTarget[] = [
    {
      objectType: "contacts",
      phoneProperties: contactPhoneProperties,
      nameProperties: ["firstname", "lastname"],
    },
  ];
  for (const [objectType, settings] of Object.entries(config.objects)) {
    const phoneProperties = settings.phoneProperties ?? (objectType === "companies" ? ["phone"] : []);
    if (phoneProperties.length === 0) continue;
    targets.push({ objectType, phoneProperties, nameProperties: objectType === "companies" ? ["name"] : [] });
  }
  return targets;
}

/**
 * One search (`POST /crm/v3/objects/{objectType}/search`): a filter group per phone property (groups
 * are ORed), each an IN of the written forms of the number: at most 5 groups × 1 filter, within the
 * 5 × 6 / 18 filter limits, at most 100 values per IN. HubSpot matches the stored string exactly,
 * hence the forms; the answer is filtered again on digits so a near miss never pops the wrong record.
 */
export function phoneSearchBody(
  query: PhoneQuery,
  target: PhoneSearchTarget = phoneSearchTargets({ objects: {} })[0] as PhoneSearchTarget,
): PublicObjectSearchRequest {
  const values = query.forms.slice(0, hubspotLimits.search.maxInValues);
  return {
    filterGroups: target.phoneProperties.map((propertyName) => ({
      filters: [{ propertyName, operator: "IN" as FilterOperatorEnum, values }],
    })),
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

async function searchTarget(
  transport: HubspotTransport,
  target: PhoneSearchTarget,
  recordUrl: ((objectType: string, id: string) => string | undefined) | undefined,
  query: PhoneQuery,
): Promise<PhoneMatch[]> {
  const { objectType } = target;
  const body = phoneSearchBody(query, target);
  const page = searchResponseSchema.parse(
    await transport.call(
      `${objectType}.search-phone`,
      (client, options) => client.crm.objects.searchApi.doSearch(objectType, body, options),
      { search: true, idempotent: true },
    ),
  );
  const matches: PhoneMatch[] = [];
  for (const record of page.results) {
    const field = target.phoneProperties.find((name) => sameNumber(record.properties[name], query));
    if (!field) continue;
    const name = target.nameProperties
      .map((n) => record.properties[n])
      .filter(Boolean)
      .join(" ");
    const url = recordUrl?.(objectType, record.id);
    matches.push({
      objectType,
      id: record.id,
      ...(name ? { name } : {}),
      phoneField: field,
      phone: String(record.properties[field]),
      ...(url ? { url } : {}),
    });
  }
  return matches;
}

/**
 * The records carrying the number, contacts first: one search per object (each takes its slot of
 * the account's search budget, 5/s), sent together.
 */
export async function findByPhone(
  transport: HubspotTransport,
  targets: readonly PhoneSearchTarget[],
  recordUrl: ((objectType: string, id: string) => string | undefined) | undefined,
  query: PhoneQuery,
): Promise<PhoneMatch[]> {
  const found = await Promise.all(targets.map((target) => searchTarget(transport, target, recordUrl, query)));
  return found.flat();
}
