import type { ActivityWrite } from "../../connectors/types.js";
import type { ReceiptRecord } from "./receipts.js";

/** What naming the written records needs of the integration's connector. */
export interface ReceiptDetails {
  /** The CRM object of a call activity (Salesforce `Task`, HubSpot `calls`). */
  activityObjectType: string;
  recordUrl: (objectType: string, id: string) => string | undefined;
  /** The CRM object of an appointment (Salesforce `Event`, HubSpot `meetings`). */
  appointmentObjectType?: string;
  /** Why no URL can be given, when the connector has no `recordUrl`. */
  urlUnknown?: string;
}

function record(
  details: ReceiptDetails,
  role: ReceiptRecord["role"],
  objectType: string,
  id: string,
  fields?: string[],
): ReceiptRecord {
  const url = details.recordUrl(objectType, id);
  return {
    role,
    objectType,
    id,
    ...(url
      ? { url }
      : {
          urlUnknown: details.urlUnknown ?? "the CRM's account id is not configured (e.g. HubSpot portalId)",
        }),
    ...(fields ? { fields } : {}),
  };
}

/**
 * The CRM records one activity write created or updated: the call activity, and the lead record when
 * the write carried field updates or do-not-call, the appointment's Event / meeting, and the lead
 * created for an unknown caller. Pure.
 */
export function receiptRecords(
  write: ActivityWrite,
  written: { activityId: string; appointmentRecordId?: string },
  details: ReceiptDetails,
  leadCreated = false,
): ReceiptRecord[] {
  const records = [record(details, "activity", details.activityObjectType, written.activityId)];
  if (written.appointmentRecordId && details.appointmentObjectType)
    records.push(record(details, "appointment", details.appointmentObjectType, written.appointmentRecordId));
  const { objectType, crmId } = write.lead;
  if (leadCreated) records.push(record(details, "created-lead", objectType, crmId));
  const updated = Object.keys(write.leadUpdates ?? {});
  if (updated.length > 0) records.push(record(details, "lead", objectType, crmId, updated));
  if (write.doNotCall !== undefined) records.push(record(details, "consent", objectType, crmId));
  return records;
}
