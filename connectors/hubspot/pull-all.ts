import type { PullPage, PullRequest } from "../types.js";
import type { AllContactsCursor, ArchivedScan } from "./cursor.js";
import { hubspotLimits } from "./limits.js";
import { initialArchivedScan, scanArchived } from "./pull-archived.js";
import { contactProperties, objectPageSchema, toPage } from "./records.js";
import type { HubspotTransport } from "./transport.js";

/**
 * Every contact: one pass over `GET /crm/v3/objects/contacts` (`after` paging, 100 per page) per
 * pull, then the archived-contacts scan. The objects API has no modified-since filter, so each pull
 * is a full pass; removals are archived contacts and ids merged into a survivor.
 */
export async function* pullAllContacts(
  transport: HubspotTransport,
  request: PullRequest,
  cursor: AllContactsCursor | undefined,
  now: () => number,
): AsyncGenerator<PullPage> {
  const properties = contactProperties(request.fields);
  let archived: ArchivedScan = cursor?.archived ?? initialArchivedScan(now());

  if (cursor?.phase !== "archived") {
    let after = cursor?.after;
    do {
      const pageAfter = after;
      const page = objectPageSchema.parse(
        await transport.call(
          "contacts.list",
          (client, options) =>
            client.crm.contacts.basicApi.getPage(
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
      yield { ...toPage(page.results), cursor: next };
    } while (after);
  }

  for await (const part of scanArchived(transport, archived, now)) {
    archived = part.scan;
    const next: AllContactsCursor = archived.after
      ? { v: 1, kind: "all", phase: "archived", archived }
      : { v: 1, kind: "all", phase: "objects", archived };
    yield { records: [], removedRefs: part.removedRefs, cursor: next };
  }
}
