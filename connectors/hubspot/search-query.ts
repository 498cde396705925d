import type { HubspotSelect } from "./config.js";
import type { SearchPosition } from "./cursor.js";
import { hubspotLimits } from "./limits.js";
import { modifiedProperty } from "./objects.js";
import { compareIds } from "./records.js";

type SearchSelect = Extract<HubspotSelect, { search: unknown }>;
export type AdminFilterGroup = SearchSelect["search"]["filterGroups"][number];
export type SearchFilter = AdminFilterGroup["filters"][number];

/** The body of `POST /crm/v3/objects/contacts/search` as the SDK takes it. */
export interface SearchBody {
  filterGroups: { filters: SearchFilter[] }[];
  sorts: string[];
  properties: string[];
  limit: number;
  after: string;
}

const ID = "hs_object_id";
/** Properties the incremental window filters on (contacts, any other object). */
const MANAGED = new Set(["lastmodifieddate", "hs_lastmodifieddate", ID]);

/**
 * The incremental search (on `lastmodifieddate` for contacts, `hs_lastmodifieddate` for the others), in a form that never pages past HubSpot's 10,000-results cap and
 * does not depend on how HubSpot orders records that share a timestamp:
 *
 * - `{t, op}`: `lastmodifieddate GTE|GT t`, sorted by `lastmodifieddate` ascending, first page only
 *   (`after` is always 0). When the page is full, the records of its *latest* timestamp may continue
 *   on a next page, so only the earlier ones are taken and the next query starts at `GTE latest`.
 * - A full page that holds a single timestamp cannot move forward that way: then the position
 *   becomes `{t, afterId}` = `lastmodifieddate EQ t AND hs_object_id GT afterId`, sorted by
 *   `hs_object_id`, which walks any number of records sharing `t` (15,000 or a million) by id.
 *
 * Every query restarts from a filter rather than from an `after` offset, so there is no cap to hit
 * and a cursor is valid across runs. The window filters are AND-ed into each admin filter group.
 */
export function buildSearchBody(
  adminGroups: readonly AdminFilterGroup[],
  position: SearchPosition,
  properties: readonly string[],
  limit: number = hubspotLimits.search.maxPageSize,
  objectType = "contacts",
): SearchBody {
  const MODIFIED = modifiedProperty(objectType);
  const window: SearchFilter[] =
    "op" in position
      ? [{ propertyName: MODIFIED, operator: position.op, value: String(position.t) }]
      : [
          { propertyName: MODIFIED, operator: "EQ", value: String(position.t) },
          { propertyName: ID, operator: "GT", value: position.afterId },
        ];
  const groups =
    adminGroups.length === 0
      ? [{ filters: window }]
      : adminGroups.map((group) => ({ filters: [...group.filters, ...window] }));
  return {
    filterGroups: groups,
    sorts: ["op" in position ? MODIFIED : ID],
    properties: [...properties],
    limit,
    after: "0",
  };
}

/** A search result reduced to what paging needs. */
export interface SearchHit {
  id: string;
  /** lastmodifieddate, epoch ms. */
  t: number;
}

export interface SearchStep {
  /** Ids of the hits to emit now (the others come again from `next`). */
  emit: Set<string>;
  next: SearchPosition;
  /** The search has nothing more after `next`. */
  done: boolean;
}

/** Decide what to emit from one page of hits and where the next query starts (pure). */
export function nextSearchStep(
  position: SearchPosition,
  hits: readonly SearchHit[],
  limit: number,
): SearchStep {
  const full = hits.length >= limit;
  if (!("op" in position)) {
    const lastId = hits
      .map((h) => h.id)
      .sort(compareIds)
      .at(-1);
    return {
      emit: new Set(hits.map((h) => h.id)),
      next: full && lastId ? { t: position.t, afterId: lastId } : { t: position.t, op: "GT" },
      done: false,
    };
  }
  if (hits.length === 0) return { emit: new Set(), next: position, done: true };
  const times = hits.map((h) => h.t);
  const latest = Math.max(...times);
  if (!full) return { emit: new Set(hits.map((h) => h.id)), next: { t: latest, op: "GT" }, done: true };
  if (Math.min(...times) === latest)
    return { emit: new Set(), next: { t: latest, afterId: "0" }, done: false };
  return {
    emit: new Set(hits.filter((h) => h.t < latest).map((h) => h.id)),
    next: { t: latest, op: "GTE" },
    done: false,
  };
}

/**
 * Problems with admin filter groups once the window filters are added (HubSpot allows 5 groups,
 * 6 filters per group and 18 in all, else 400 VALIDATION_ERROR). Empty when the select fits.
 */
export function filterBudgetProblems(adminGroups: readonly AdminFilterGroup[]): string[] {
  const { maxFilterGroups, maxFiltersPerGroup, maxFilters, maxInValues } = hubspotLimits.search;
  const windowFilters = 2;
  const problems: string[] = [];
  if (adminGroups.length > maxFilterGroups) {
    problems.push(`search.filterGroups: at most ${maxFilterGroups} groups`);
  }
  adminGroups.forEach((group, i) => {
    if (group.filters.length === 0)
      problems.push(`search.filterGroups[${i}]: a group needs at least one filter`);
    if (group.filters.length > maxFiltersPerGroup - windowFilters) {
      problems.push(
        `search.filterGroups[${i}]: at most ${maxFiltersPerGroup - windowFilters} filters per group (telesync adds ${windowFilters} to page incrementally)`,
      );
    }
    group.filters.forEach((filter, j) => {
      if ((filter.values?.length ?? 0) > maxInValues) {
        problems.push(`search.filterGroups[${i}].filters[${j}]: at most ${maxInValues} values`);
      }
      if (MANAGED.has(filter.propertyName)) {
        problems.push(
          `search.filterGroups[${i}].filters[${j}]: ${filter.propertyName} is managed by telesync`,
        );
      }
    });
  });
  const total = adminGroups.reduce((n, g) => n + g.filters.length + windowFilters, 0);
  if (total > maxFilters) {
    problems.push(
      `search.filterGroups: ${total} filters with telesync's ${windowFilters} per group; HubSpot allows ${maxFilters}`,
    );
  }
  return problems;
}
