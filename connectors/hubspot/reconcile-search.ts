import { z } from "zod";
import { hubspotLimits } from "./limits.js";
import { compareIds } from "./records.js";
import type { AdminFilterGroup, SearchBody, SearchFilter } from "./search-query.js";

/** How many incremental runs of a search source between two membership reconciles, by default. */
export const defaultReconcileEveryRuns = 12;

const idsResponseSchema = z.object({ results: z.array(z.object({ id: z.string() })) });

/** One page of the id walk: the admin filters AND `hs_object_id > afterId`, by id, ids only. */
export function reconcileBody(
  adminGroups: readonly AdminFilterGroup[],
  afterId: string,
  limit: number = hubspotLimits.search.maxPageSize,
): SearchBody {
  const window: SearchFilter[] = [{ propertyName: "hs_object_id", operator: "GT", value: afterId }];
  return {
    filterGroups:
      adminGroups.length === 0
        ? [{ filters: window }]
        : adminGroups.map((group) => ({ filters: [...group.filters, ...window] })),
    sorts: ["hs_object_id"],
    properties: ["hs_object_id"],
    limit,
    after: "0",
  };
}

/**
 * The ids of every contact that matches a search source's filters now, as HubSpot evaluates them:
 * the membership reconcile of a search source (HubSpot cannot list the contacts that *stopped*
 * matching, so telesync asks who matches and the sync removes the members not among them).
 *
 * Cheap by construction: ids only (one property), 200 per request, and walked by `hs_object_id >
 * last id` from the first page each time, so no query pages past the 10,000-results cap however
 * many contacts match. Every request takes a slot of the search budget (5/s per account), like the
 * incremental search: 20,000 members cost 100 searches, 20 s of that budget.
 * https://developers.hubspot.com/docs/api/crm/search#limitations
 */
export async function* reconcileSearchIds(
  adminGroups: readonly AdminFilterGroup[],
  send: (body: SearchBody) => Promise<unknown>,
  limit: number = hubspotLimits.search.maxPageSize,
): AsyncGenerator<string[]> {
  let afterId = "0";
  for (;;) {
    const response = idsResponseSchema.parse(await send(reconcileBody(adminGroups, afterId, limit)));
    const ids = response.results.map((contact) => contact.id);
    if (ids.length > 0) yield ids;
    if (ids.length < limit) return;
    afterId = ids.reduce((max, id) => (compareIds(id, max) > 0 ? id : max));
  }
}
