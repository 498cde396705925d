import { z } from "zod";
import type { ConnectorLogger } from "../types.js";
import type { SalesforceSession } from "./auth.js";
import { salesforceErrorCode } from "./classify-error.js";
import { salesforceLimits } from "./limits.js";
import { toIso } from "./soql.js";

/**
 * `GET sobjects/{T}/deleted/?start&end`: ids deleted in a window. Seconds are ignored (whole minutes),
 * the window reaches back ~15 days, and more than 600,000 ids fail with EXCEEDED_ID_LIMIT.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_getdeleted.htm
 */
export const deletedResultSchema = z.object({
  deletedRecords: z.array(z.object({ id: z.string(), deletedDate: z.string() })),
  earliestDateAvailable: z.string().optional(),
  latestDateCovered: z.string().optional(),
});

const minute = 60_000;

export interface DeletedIds {
  ids: string[];
  /** Deletions are known up to here: the next check starts from it. */
  coveredUntil: string;
}

type DeletedResult = z.infer<typeof deletedResultSchema>;

async function fetchWindow(
  session: SalesforceSession,
  object: string,
  startMs: number,
  endMs: number,
): Promise<DeletedResult> {
  try {
    const body = await session.call((conn) =>
      conn.sobject(object).deleted(new Date(startMs), new Date(endMs)),
    );
    return deletedResultSchema.parse(body);
  } catch (error) {
    // Too many ids for one call: halve the window.
    const tooMany = salesforceErrorCode(error) === "EXCEEDED_ID_LIMIT";
    if (!tooMany || endMs - startMs <= 2 * minute) throw error;
    const mid = startMs + Math.floor((endMs - startMs) / 2 / minute) * minute;
    const first = await fetchWindow(session, object, startMs, mid);
    const second = await fetchWindow(session, object, mid, endMs);
    return {
      deletedRecords: [...first.deletedRecords, ...second.deletedRecords],
      earliestDateAvailable: first.earliestDateAvailable,
      latestDateCovered: second.latestDateCovered,
    };
  }
}

/** Ids of `object` records deleted since `sinceIso`, up to `nowMs`. Says so in the log when the window is gone. */
export async function deletedSince(
  session: SalesforceSession,
  log: ConnectorLogger,
  context: { sourceId: string; object: string },
  sinceIso: string,
  nowMs: number,
): Promise<DeletedIds> {
  const since = Date.parse(sinceIso);
  const earliest = nowMs - salesforceLimits.deletedWindowMs + minute;
  let start = since;
  if (start < earliest) {
    log.warn(
      { source: context.sourceId, object: context.object, checkedUntil: sinceIso },
      `deletions of ${context.object} before ${new Date(earliest).toISOString()} are no longer available from Salesforce (15-day window); records deleted since ${sinceIso} may still be queued: run a full sync of source "${context.sourceId}"`,
    );
    start = earliest;
  }
  if (nowMs - start < minute) return { ids: [], coveredUntil: sinceIso };
  const body = await fetchWindow(session, context.object, start, nowMs);
  if (body.earliestDateAvailable && Date.parse(toIso(body.earliestDateAvailable)) > start) {
    log.warn(
      { source: context.sourceId, object: context.object, earliestDateAvailable: body.earliestDateAvailable },
      `Salesforce keeps deletions of ${context.object} only since ${body.earliestDateAvailable}; run a full sync of source "${context.sourceId}" to drop records deleted before`,
    );
  }
  const coveredUntil = body.latestDateCovered
    ? toIso(body.latestDateCovered)
    : new Date(Math.floor(nowMs / minute) * minute).toISOString();
  return { ids: body.deletedRecords.map((r) => r.id), coveredUntil };
}
