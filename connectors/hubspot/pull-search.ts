import type {
  FilterOperatorEnum,
  PublicObjectSearchRequest,
} from "@hubspot/api-client/lib/codegen/crm/objects/index.js";
import { z } from "zod";
import type { PullPage, PullRequest } from "../types.js";
import type { HubspotSelect } from "./config.js";
import {
  type ArchivedScan,
  decodeIdSet,
  encodeIdSet,
  type SearchCursor,
  type SearchPosition,
} from "./cursor.js";
import { hubspotLimits } from "./limits.js";
import { initialArchivedScan, scanArchived } from "./pull-archived.js";
import { defaultReconcileEveryRuns, reconcileSearchIds } from "./reconcile-search.js";
import { modifiedMs, pagingSchema, recordProperties, sdkObjectSchema, toPage } from "./records.js";
import { type AdminFilterGroup, buildSearchBody, nextSearchStep, type SearchBody } from "./search-query.js";
import type { HubspotTransport } from "./transport.js";

const searchResponseSchema = z.object({
  total: z.number().optional(),
  results: z.array(sdkObjectSchema),
  paging: pagingSchema,
});

export function toSdkRequest(body: SearchBody): PublicObjectSearchRequest {
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

function cursorOf(
  pos: SearchPosition,
  archived: ArchivedScan,
  recent: Map<string, number>,
  runs: number,
): SearchCursor {
  const byTime = new Map<number, string[]>();
  for (const [id, t] of recent) {
    const ids = byTime.get(t);
    if (ids) ids.push(id);
    else byTime.set(t, [id]);
  }
  const encoded: Record<string, string> = {};
  for (const [t, ids] of byTime) encoded[String(t)] = encodeIdSet(ids);
  return { v: 1, kind: "search", pos, archived, recent: encoded, runs };
}

function decodeRecent(recent: SearchCursor["recent"]): Map<string, number> {
  const map = new Map<string, number>();
  for (const [t, ids] of Object.entries(recent ?? {}))
    for (const id of decodeIdSet(ids)) map.set(id, Number(t));
  return map;
}

/**
 * Where a pull starts: a finished position is moved back by the look-back window, because HubSpot's
 * search index lags writes and a contact modified before the last pull may have become searchable
 * only after it, carrying its older lastmodifieddate. Inside a walk of one timestamp it resumes as is.
 */
export function rewind(pos: SearchPosition, lookbackMs: number): SearchPosition {
  if (!("op" in pos) || lookbackMs <= 0 || pos.t === 0) return pos;
  return { t: Math.max(0, pos.t - lookbackMs), op: "GTE" };
}

/** Forget the contacts handed out before the window that ends at the newest date seen. */
function prune(recent: Map<string, number>, newest: number, lookbackMs: number): void {
  for (const [id, t] of recent) if (t < newest - lookbackMs) recent.delete(id);
}

/**
 * A search source, incrementally on `lastmodifieddate` (see `search-query.ts` for how it gets past
 * the 10,000-results cap), then the archived-contacts scan. Removals: archived contacts and ids
 * merged into a survivor. Contacts that merely stop matching the filters cannot be listed by
 * HubSpot: every `reconcileEveryRuns` incremental runs (default 12) the pull ends with a membership
 * reconcile, the ids of every contact matching now (`present` pages, then `membershipComplete`),
 * and the sync removes the members not among them. The run count lives in the cursor; a reconcile
 * cut short is done again from the start by the next run.
 */
export async function* pullSearch(
  transport: HubspotTransport,
  objectType: string,
  select: Extract<HubspotSelect, { search: unknown }>,
  request: PullRequest,
  cursor: SearchCursor | undefined,
  now: () => number,
  lookbackMs: number,
): AsyncGenerator<PullPage> {
  const groups: readonly AdminFilterGroup[] = select.search.filterGroups;
  const properties = recordProperties(request.fields, objectType);
  const limit = hubspotLimits.search.maxPageSize;
  let pos: SearchPosition = cursor ? rewind(cursor.pos, lookbackMs) : { t: 0, op: "GTE" };
  let archived = cursor?.archived ?? initialArchivedScan(now());
  const recent = decodeRecent(cursor?.recent);
  let newest = Math.max(0, ...recent.values());
  // A full pull (no cursor) needs no reconcile: the sync removes every member it did not see.
  const runs = cursor ? (cursor.runs ?? 0) + 1 : 0;
  const every = select.search.reconcileEveryRuns ?? defaultReconcileEveryRuns;
  let yielded = false;

  for (;;) {
    const body = toSdkRequest(buildSearchBody(groups, pos, properties, limit, objectType));
    const response = searchResponseSchema.parse(
      await transport.call(
        `${objectType}.search`,
        (client, options) => client.crm.objects.searchApi.doSearch(objectType, body, options),
        { search: true, idempotent: true },
      ),
    );
    const step = nextSearchStep(
      pos,
      response.results.map((contact) => ({ id: contact.id, t: modifiedMs(contact) })),
      limit,
    );
    pos = step.next;
    const taken = response.results.filter((contact) => step.emit.has(contact.id));
    const emitted = taken.filter((contact) => recent.get(contact.id) !== modifiedMs(contact));
    for (const contact of taken) {
      recent.set(contact.id, modifiedMs(contact));
      newest = Math.max(newest, modifiedMs(contact));
    }
    prune(recent, newest, lookbackMs);
    if (taken.length > 0) {
      yielded = true;
      yield { ...toPage(emitted, objectType), cursor: cursorOf(pos, archived, recent, runs) };
    }
    if (step.done) break;
  }

  for await (const part of scanArchived(transport, objectType, archived, now)) {
    archived = part.scan;
    yielded = true;
    yield { records: [], removedRefs: part.removedRefs, cursor: cursorOf(pos, archived, recent, runs) };
  }

  if (!cursor || every === 0 || runs < every) {
    // The run is counted (in the last page's cursor) even when no page changed anything.
    if (!yielded) yield { records: [], removedRefs: [], cursor: cursorOf(pos, archived, recent, runs) };
    return;
  }
  const send = async (body: SearchBody) =>
    transport.call(
      `${objectType}.search.reconcile`,
      (client, options) => client.crm.objects.searchApi.doSearch(objectType, toSdkRequest(body), options),
      { search: true, idempotent: true },
    );
  // Pages keep the count (the reconcile is still due if the run stops here); the last resets it.
  for await (const ids of reconcileSearchIds(groups, send, limit))
    yield { records: [], removedRefs: [], present: ids, cursor: cursorOf(pos, archived, recent, runs) };
  yield {
    records: [],
    removedRefs: [],
    membershipComplete: true,
    cursor: cursorOf(pos, archived, recent, 0),
  };
}
