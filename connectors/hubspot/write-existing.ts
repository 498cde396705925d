import type {
  FilterOperatorEnum,
  PublicObjectSearchRequest,
} from "@hubspot/api-client/lib/codegen/crm/objects/calls/index.js";
import { z } from "zod";
import type { WriteLedger } from "../types.js";
import { chunk } from "./isolate.js";
import { hubspotLimits } from "./limits.js";
import { compareIds, pagingSchema, sdkObjectSchema } from "./records.js";
import type { HubspotTransport } from "./transport.js";

const searchResponseSchema = z.object({ results: z.array(sdkObjectSchema), paging: pagingSchema });

/**
 * Calls already stored under these outcome ids (`POST /crm/v3/objects/calls/search`, an IN filter
 * of at most 100 values): outcomeId → call id, the oldest call when a duplicate exists. Search is
 * eventually consistent (a call created a few seconds ago may not be found yet): a miss alone never
 * proves a call absent (see `resolveExisting`).
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

/** What is known of a batch's outcomes before anything is created. */
export interface ExistingCalls {
  /** outcomeId → call id: written before (by the ledger or found by search). */
  existing: Map<string, string>;
  /** Sent recently, not in the ledger, not found: may still be on its way into the search index. */
  unsettled: Set<string>;
}

/**
 * Which outcomes already have a call, without trusting a search that may lag: first the ledger
 * (ids from earlier batch answers, always read: one round trip), then, on a retry
 * (`checkExisting`) or when the ledger says a create was sent recently, a search by the outcome-id
 * property. A miss for a create sent less than the index lag ago is `unsettled`: it must not be
 * created again yet, and the caller reports it as an ambiguous retry.
 */
export async function resolveExisting(
  transport: HubspotTransport,
  ledger: WriteLedger,
  integrationId: string,
  outcomeIdProperty: string,
  outcomeIds: readonly string[],
  checkExisting: boolean,
): Promise<ExistingCalls> {
  const unique = [...new Set(outcomeIds)];
  const existing = await ledger.created(integrationId, unique);
  const unknown = unique.filter((id) => !existing.has(id));
  const sent = await ledger.recentlySent(integrationId, unknown);
  const unsettled = new Set<string>();
  if (unknown.length === 0 || (!checkExisting && sent.size === 0)) return { existing, unsettled };
  const found = await findExistingCalls(transport, outcomeIdProperty, unknown);
  for (const [outcomeId, callId] of found) existing.set(outcomeId, callId);
  await ledger.recordCreated(integrationId, found);
  for (const id of sent) if (!existing.has(id)) unsettled.add(id);
  return { existing, unsettled };
}
