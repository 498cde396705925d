import type {
  FilterOperatorEnum,
  PublicObjectSearchRequest,
} from "@hubspot/api-client/lib/codegen/crm/contacts/index.js";
import { z } from "zod";
import type { PullPage, PullRequest } from "../types.js";
import type { HubspotSelect } from "./config.js";
import type { ArchivedScan, SearchCursor, SearchPosition } from "./cursor.js";
import { hubspotLimits } from "./limits.js";
import { initialArchivedScan, scanArchived } from "./pull-archived.js";
import { contactProperties, modifiedMs, pagingSchema, sdkObjectSchema, toPage } from "./records.js";
import { type AdminFilterGroup, buildSearchBody, nextSearchStep, type SearchBody } from "./search-query.js";
import type { HubspotTransport } from "./transport.js";

const searchResponseSchema = z.object({
  total: z.number().optional(),
  results: z.array(sdkObjectSchema),
  paging: pagingSchema,
});

function toSdkRequest(body: SearchBody): PublicObjectSearchRequest {
  return {
    ...body,
    filterGroups: body.filterGroups.map((group) => ({
      filters: group.filters.map(({ value, highValue, values, ...filter }) => ({
        ...filter,
        operator: filter.operator as FilterOperatorEnum,
        ...(value !== undefined ? { value } : {}),
        ...(highValue !== undefined ? { highValue } : {}),
        ...(values !== undefined ? { values } : {}),
      })),
    })),
  };
}

function cursorOf(pos: SearchPosition, archived: ArchivedScan): SearchCursor {
  return { v: 1, kind: "search", pos, archived };
}

/**
 * A search source, incrementally on `lastmodifieddate` (see `search-query.ts` for how it gets past
 * the 10,000-results cap), then the archived-contacts scan. Removals: archived contacts and ids
 * merged into a survivor. Contacts that merely stop matching the filters are not detected (HubSpot
 * cannot list them); use a list source, whose membership HubSpot evaluates, when that matters.
 */
export async function* pullSearch(
  transport: HubspotTransport,
  select: Extract<HubspotSelect, { search: unknown }>,
  request: PullRequest,
  cursor: SearchCursor | undefined,
  now: () => number,
): AsyncGenerator<PullPage> {
  const groups: readonly AdminFilterGroup[] = select.search.filterGroups;
  const properties = contactProperties(request.fields);
  const limit = hubspotLimits.search.maxPageSize;
  let pos: SearchPosition = cursor?.pos ?? { t: 0, op: "GTE" };
  let archived = cursor?.archived ?? initialArchivedScan(now());

  for (;;) {
    const body = toSdkRequest(buildSearchBody(groups, pos, properties, limit));
    const response = searchResponseSchema.parse(
      await transport.call(
        "contacts.search",
        (client, options) => client.crm.contacts.searchApi.doSearch(body, options),
        { search: true, idempotent: true },
      ),
    );
    const step = nextSearchStep(
      pos,
      response.results.map((contact) => ({ id: contact.id, t: modifiedMs(contact) })),
      limit,
    );
    pos = step.next;
    const emitted = response.results.filter((contact) => step.emit.has(contact.id));
    if (emitted.length > 0) yield { ...toPage(emitted), cursor: cursorOf(pos, archived) };
    if (step.done) break;
  }

  for await (const part of scanArchived(transport, archived, now)) {
    archived = part.scan;
    yield { records: [], removedRefs: part.removedRefs, cursor: cursorOf(pos, archived) };
  }
}
