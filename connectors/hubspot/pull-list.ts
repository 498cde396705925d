import { z } from "zod";
import type { PullPage, PullRequest } from "../types.js";
import { decodeIdSet, encodeIdSet, type ListCursor } from "./cursor.js";
import { hubspotLimits } from "./limits.js";
import { batchResultSchema, pagingSchema, recordProperties, type SdkObject, toPage } from "./records.js";
import type { HubspotTransport } from "./transport.js";

const membershipPageSchema = z.object({
  results: z.array(z.object({ recordId: z.string(), membershipTimestamp: z.date().optional() })),
  paging: pagingSchema,
});

/** `POST /crm/v3/objects/{objectType}/batch/read`, 100 ids a request. Missing (deleted, merged) ids are left out. */
export async function readRecords(
  transport: HubspotTransport,
  objectType: string,
  ids: string[],
  properties: string[],
): Promise<SdkObject[]> {
  const found: SdkObject[] = [];
  for (let i = 0; i < ids.length; i += hubspotLimits.objects.batchRead) {
    const inputs = ids.slice(i, i + hubspotLimits.objects.batchRead).map((id) => ({ id }));
    const answer = batchResultSchema.parse(
      await transport.call(
        `${objectType}.batchRead`,
        (client, options) =>
          client.crm.objects.batchApi.read(
            objectType,
            { inputs, properties, propertiesWithHistory: [] },
            false,
            options,
          ),
        { idempotent: true },
      ),
    );
    found.push(...answer.results);
  }
  return found;
}

/**
 * A list source: a full pass over the list's memberships each pull (`after` paging, 250 a page),
 * each page's members read with batch/read. Removals: the cursor keeps the previous pass's member
 * ids (compactly, see `encodeIdSet`); members of the previous pass missing from this one are
 * reported on the pass's last page (a list holds one object type: contacts, companies or a custom
 * object). HubSpot drops deleted and merged-away records from lists, so
 * those leave too; members that vanish between the memberships page and the read leave at once.
 */
export async function* pullList(
  transport: HubspotTransport,
  objectType: string,
  listId: string,
  request: PullRequest,
  cursor: ListCursor | undefined,
): AsyncGenerator<PullPage> {
  const properties = recordProperties(request.fields, objectType);
  const prevEncoded = cursor?.prev ?? encodeIdSet([]);
  const sameList = cursor?.listId === listId;
  const seen = sameList && cursor ? decodeIdSet(cursor.seen) : new Set<string>();
  let after = sameList ? cursor?.after : undefined;

  for (;;) {
    const pageAfter = after;
    const page = membershipPageSchema.parse(
      await transport.call(
        "lists.memberships",
        (client, options) =>
          client.crm.lists.membershipsApi.getPage(
            listId,
            pageAfter,
            undefined,
            hubspotLimits.lists.membershipPageSize,
            options,
          ),
        { idempotent: true },
      ),
    );
    const memberIds = [...new Set(page.results.map((m) => m.recordId))];
    const wanted = new Set(memberIds);
    const members = (await readRecords(transport, objectType, memberIds, properties)).filter((c) =>
      wanted.has(c.id),
    );
    const read = new Set(members.map((c) => c.id));
    for (const id of read) seen.add(id);
    const { records, removedRefs } = toPage(members, objectType);
    removedRefs.push(...memberIds.filter((id) => !read.has(id)));
    after = page.paging?.next?.after;
    if (after) {
      const next: ListCursor = {
        v: 1,
        kind: "list",
        listId,
        prev: prevEncoded,
        seen: encodeIdSet(seen),
        after,
      };
      yield { records, removedRefs: [...new Set(removedRefs)], cursor: next };
      continue;
    }
    for (const id of decodeIdSet(prevEncoded)) if (!seen.has(id)) removedRefs.push(id);
    const next: ListCursor = { v: 1, kind: "list", listId, prev: encodeIdSet(seen), seen: encodeIdSet([]) };
    yield { records, removedRefs: [...new Set(removedRefs)], cursor: next };
    return;
  }
}
