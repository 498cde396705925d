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

/** Contacts a screen pop reads back: one search page, enough for a shared office number. */
const resultLimit = 50;

const searchResponseSchema = z.object({ results: z.array(sdkObjectSchema), paging: pagingSchema });

/**
 * One search (`POST /crm/v3/objects/contacts/search`): a filter group per phone property (groups are
 * ORed), each an IN of the written forms of the number: 2 groups × 1 filter, within the 5 × 6 / 18
 * filter limits, at most 100 values per IN. HubSpot matches the stored string exactly, hence the forms;
 * the answer is filtered again on digits so a near miss never pops the wrong record.
 */
export function phoneSearchBody(query: PhoneQuery): PublicObjectSearchRequest {
  const values = query.forms.slice(0, hubspotLimits.search.maxInValues);
  return {
    filterGroups: contactPhoneProperties.map((propertyName) => ({
      filters: [{ propertyName, operator: "IN" as FilterOperatorEnum, values }],
    })),
    sorts: ["hs_object_id"],
    properties: ["firstname", "lastname", ...contactPhoneProperties],
    limit: resultLimit,
    after: "0",
  };
}

function sameNumber(stored: string | null | undefined, query: PhoneQuery): boolean {
  if (!stored) return false;
  const digits = stored.replace(/\D/g, "");
  return digits.length > 0 && query.forms.some((form) => form.replace(/\D/g, "") === digits);
}

/** The contacts carrying the number; the search takes its slot of the account's search budget (5/s). */
export async function findContactsByPhone(
  transport: HubspotTransport,
  recordUrl: ((id: string) => string) | undefined,
  query: PhoneQuery,
): Promise<PhoneMatch[]> {
  const body = phoneSearchBody(query);
  const page = searchResponseSchema.parse(
    await transport.call(
      "contacts.search-phone",
      (client, options) => client.crm.contacts.searchApi.doSearch(body, options),
      { search: true, idempotent: true },
    ),
  );
  const matches: PhoneMatch[] = [];
  for (const contact of page.results) {
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
