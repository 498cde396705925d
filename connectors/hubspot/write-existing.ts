import type {
  FilterOperatorEnum,
  PublicObjectSearchRequest,
} from "@hubspot/api-client/lib/codegen/crm/objects/calls/index.js";
import { z } from "zod";
import { chunk } from "./isolate.js";
import { hubspotLimits } from "./limits.js";
import { compareIds, pagingSchema, sdkObjectSchema } from "./records.js";
import type { HubspotTransport } from "./transport.js";

const searchResponseSchema = z.object({ results: z.array(sdkObjectSchema), paging: pagingSchema });

/**
 * Calls already stored under these outcome ids (`POST /crm/v3/objects/calls/search`, an IN filter
 * of at most 100 values): outcomeId → call id, the oldest call when a duplicate exists. Search is
 * eventually consistent (a call created a few seconds ago may not be found yet), which is why the
 * core retries ambiguous writes after a backoff rather than at once.
 */
export async function findExistingCalls(
  transport: HubspotTransport,
  outcomeIdProperty: string,
  outcomeIds: readonly string[],
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const values of chunk([...new Set(outcomeIds)], hubspotLimits.search.maxInValues)) {
    let after = "0";
    for (;;) {
      const body: PublicObjectSearchRequest = {
        filterGroups: [
          { filters: [{ propertyName: outcomeIdProperty, operator: "IN" as FilterOperatorEnum, values }] },
        ],
        sorts: ["hs_object_id"],
        properties: [outcomeIdProperty],
        limit: hubspotLimits.search.maxPageSize,
        after,
      };
      const page = searchResponseSchema.parse(
        await transport.call(
          "calls.search",
          (client, options) => client.crm.objects.calls.searchApi.doSearch(body, options),
          { search: true, idempotent: true },
        ),
      );
      for (const call of page.results) {
        const outcomeId = call.properties[outcomeIdProperty];
        const known = outcomeId ? found.get(outcomeId) : undefined;
        if (outcomeId && (known === undefined || compareIds(call.id, known) < 0))
          found.set(outcomeId, call.id);
      }
      const next = page.paging?.next?.after;
      if (!next) break;
      after = next;
    }
  }
  return found;
}
