import type { PullPage, PullRequest } from "../types.js";
import type { AllContactsCursor, ArchivedScan } from "./cursor.js";
import { hubspotLimits } from "./limits.js";
import { initialArchivedScan, scanArchived } from "./pull-archived.js";
import { objectPageSchema, recordProperties, toPage } from "./records.js";
import type { HubspotTransport } from "./transport.js";

/**
 * Every record of an object: one pass over `GET /crm/v3/objects/{objectType}` (`after` paging, 100
 * per page) per pull, then the archived scan. The objects API has no modified-since filter, so each
 * pull is a full pass; removals are archived records and ids merged into a survivor.
 */
export async function* pullAllRecords(
  transport: HubspotTransport,
  objectType: string,
  request: PullRequest,
  cursor: AllContactsCursor | undefined,
  now: () => number,
): AsyncGenerator<PullPage> {
  const properties = recordProperties(request.fields, objectType);
  let archived: ArchivedScan = cursor?.archived ?? initialArchivedScan(now());

  if (cursor?.phase !== "archived") {
    let after = cursor?.after;
    do {
      const pageAfter = after;
      const page = objectPageSchema.parse(
        await transport.call(
          `${objectType}.list`,
          (client, options) =>
            client.crm.objects.basicApi.getPage(
              objectType,
              hubspotLimits.objects.pageSize,
              pageAfter,
              properties,
              undefined,
              undefined,
              false,
              options,
            ),
          { idempotent: true },
        ),
      );
      after = page.paging?.next?.after;
      const next: AllContactsCursor = after
        ? { v: 1, kind: "all", phase: "objects", after, archived }
        : { v: 1, kind: "all", phase: "archived", archived };
      yield { ...toPage(page.results, objectType), cursor: next };
    } while (after);
  }

  for await (const part of scanArchived(transport, objectType, archived, now)) {
    archived = part.scan;
    const next: AllContactsCursor = archived.after
      ? { v: 1, kind: "all", phase: "archived", archived }
      : { v: 1, kind: "all", phase: "objects", archived };
    yield { records: [], removedRefs: part.removedRefs, cursor: next };
  }
}
