import type { ArchivedScan } from "./cursor.js";
import { hubspotLimits } from "./limits.js";
import { objectPageSchema } from "./records.js";
import type { HubspotTransport } from "./transport.js";

/** Our clock and HubSpot's may disagree; a removal reported twice is harmless, a missed one is not. */
export const ARCHIVED_CLOCK_SKEW_MS = 5 * 60_000;

/** The scan state of a first pull: report what gets archived from now on. */
export function initialArchivedScan(now: number): ArchivedScan {
  return { since: now - ARCHIVED_CLOCK_SKEW_MS };
}

/**
 * Deleted records leave search results and list pages silently; `GET /crm/v3/objects/{objectType}?archived=true`
 * lists them (for 90 days) with `archivedAt`. Each scan reports those archived since the previous
 * scan started, page by page, with the scan state to checkpoint after each page.
 */
export async function* scanArchived(
  transport: HubspotTransport,
  objectType: string,
  scan: ArchivedScan,
  now: () => number,
): AsyncGenerator<{ removedRefs: string[]; scan: ArchivedScan }> {
  const startedAt = scan.startedAt ?? now();
  let after = scan.after;
  do {
    const cursorAfter = after;
    const page = objectPageSchema.parse(
      await transport.call(
        `${objectType}.archived`,
        (client, options) =>
          client.crm.objects.basicApi.getPage(
            objectType,
            hubspotLimits.objects.pageSize,
            cursorAfter,
            ["hs_object_id"],
            undefined,
            undefined,
            true,
            options,
          ),
        { idempotent: true },
      ),
    );
    const removedRefs = page.results
      .filter((contact) => contact.archivedAt === undefined || contact.archivedAt.getTime() >= scan.since)
      .map((contact) => contact.id);
    after = page.paging?.next?.after;
    yield {
      removedRefs,
      scan: after ? { since: scan.since, after, startedAt } : { since: startedAt - ARCHIVED_CLOCK_SKEW_MS },
    };
  } while (after);
}
