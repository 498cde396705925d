import { SalesforceApiError } from "./errors.js";
import type { SalesforceStore } from "./store.js";
import { formatDatetime, parseDatetime } from "./values.js";

const MINUTE = 60_000;
const RETENTION_MS = 15 * 24 * 3600_000;

export interface DeletedResponse {
  deletedRecords: { id: string; deletedDate: string }[];
  earliestDateAvailable: string;
  latestDateCovered: string;
}

function replicationError(message: string): SalesforceApiError {
  return new SalesforceApiError(400, "INVALID_REPLICATION_DATE", message);
}

/**
 * `GET /sobjects/{T}/deleted/?start&end`. Like getDeleted(), seconds are ignored (both ends are
 * truncated to the minute), the window reaches back 15 days, and `latestDateCovered` never passes now;
 * a connector that resumes from `latestDateCovered` therefore misses nothing.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_getdeleted.htm
 */
export function deletedBetween(
  store: SalesforceStore,
  type: string,
  start: string | undefined,
  end: string | undefined,
  now: number,
): DeletedResponse {
  const startMs = start === undefined ? undefined : parseDatetime(start);
  const endMs = end === undefined ? undefined : parseDatetime(end);
  if (startMs === undefined || endMs === undefined) {
    throw new SalesforceApiError(400, "MALFORMED_QUERY", "start and end must be ISO 8601 datetimes");
  }
  const from = Math.floor(startMs / MINUTE) * MINUTE;
  const to = Math.floor(Math.min(endMs, now) / MINUTE) * MINUTE;
  const earliest = Math.floor((now - RETENTION_MS) / MINUTE) * MINUTE;
  if (from < earliest) {
    throw replicationError(
      `startDate must be within the last 15 days (not before ${formatDatetime(earliest)})`,
    );
  }
  if (endMs < startMs) throw replicationError("endDate must chronologically follow startDate");
  const deletedRecords = store
    .deletedLog(type)
    .filter((d) => d.deletedDate >= from && d.deletedDate < to)
    .map((d) => ({ id: d.id, deletedDate: formatDatetime(d.deletedDate) }));
  return {
    deletedRecords,
    earliestDateAvailable: formatDatetime(earliest),
    latestDateCovered: formatDatetime(Math.max(to, from)),
  };
}
