import { z } from "zod";
import { validationError } from "./errors.js";
import type { RouteSpec } from "./route.js";
import type { HubspotSandbox } from "./sandbox.js";
import { compileGroups, parseSort, sortObjects } from "./search.js";
import { objectTypeOr404, parseOr400, ReplyError, serialize } from "./wire.js";

const typeParams = z.object({ objectType: z.string() });

const searchBody = z.object({
  filterGroups: z
    .array(
      z.object({
        filters: z.array(
          z.object({
            propertyName: z.string(),
            operator: z.string(),
            value: z.union([z.string(), z.number()]).transform(String).optional(),
            highValue: z.union([z.string(), z.number()]).transform(String).optional(),
            values: z.array(z.union([z.string(), z.number()]).transform(String)).optional(),
          }),
        ),
      }),
    )
    .default([]),
  sorts: z
    .array(z.union([z.string(), z.object({ propertyName: z.string(), direction: z.string().optional() })]))
    .default([]),
  properties: z.array(z.string()).default([]),
  limit: z.number().int().nonnegative().default(10),
  after: z.union([z.string(), z.number()]).transform(String).default("0"),
  query: z.string().optional(),
});

const operators = new Set([
  "EQ",
  "NEQ",
  "LT",
  "LTE",
  "GT",
  "GTE",
  "BETWEEN",
  "IN",
  "NOT_IN",
  "HAS_PROPERTY",
  "NOT_HAS_PROPERTY",
  "CONTAINS_TOKEN",
  "NOT_CONTAINS_TOKEN",
]);

/**
 * `POST /crm/v3/objects/{type}/search` with HubSpot's limits: 5 groups × 6 filters, 18 in all, one
 * sort, 200 per page, and no paging past 10,000 results. With `indexDelayMs` set, it searches what
 * the index held that long ago (see `HubspotStore.searchable`).
 * https://developers.hubspot.com/docs/api/crm/search#limitations
 */
export function searchRoutes(sandbox: HubspotSandbox): RouteSpec[] {
  const { store } = sandbox;
  return [
    {
      method: "POST",
      url: "/crm/v3/objects/:objectType/search",
      kind: "{type}.search",
      search: true,
      handler: ({ params, body }) => {
        const type = objectTypeOr404(store, parseOr400(typeParams, params).objectType);
        const request = parseOr400(searchBody, body);
        const fail = (message: string) => new ReplyError(validationError(message));
        const filters = request.filterGroups.flatMap((g) => g.filters);
        if (request.filterGroups.length > 5) throw fail("There are too many filter groups (max 5).");
        if (request.filterGroups.some((g) => g.filters.length > 6))
          throw fail("Too many filters in a group (max 6).");
        if (filters.length > 18) throw fail("There are too many filters in the request (max 18).");
        if (request.sorts.length > 1) throw fail("Only one sort is supported.");
        if (request.limit > 200) throw fail("limit must be at most 200");
        for (const filter of filters) {
          if (!operators.has(filter.operator)) throw fail(`Invalid operator: ${filter.operator}`);
          if (!store.property(type, filter.propertyName))
            throw fail(`Property '${filter.propertyName}' does not exist`);
        }
        const offset = Number(request.after);
        if (!Number.isInteger(offset) || offset < 0) throw fail(`Invalid after: ${request.after}`);
        if (offset + request.limit > 10_000) {
          throw fail("Search results are limited to 10,000 per query; narrow the filters to page further.");
        }
        const lookup = (name: string) => store.property(type, name);
        const matching = compileGroups(request.filterGroups, lookup);
        const matched = store.searchable(type).filter(matching);
        const sort = request.sorts[0];
        const sorted = sortObjects(matched, sort === undefined ? undefined : parseSort(sort), lookup);
        const page = sorted.slice(offset, offset + request.limit);
        const response: Record<string, unknown> = {
          total: matched.length,
          results: page.map((o) => serialize(o, request.properties)),
        };
        const next = offset + request.limit;
        if (next < matched.length)
          response.paging = { next: { after: String(next), link: `?after=${next}` } };
        return { status: 200, body: response };
      },
    },
  ];
}
