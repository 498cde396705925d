import type { ErrorClass } from "../../src/errors.js";
import type { AppointmentChange, AppointmentChangeResult } from "../types.js";
import type { SalesforceSession } from "./auth.js";
import { chunks } from "./chunks.js";
import { classifyCode, classifyError } from "./classify-error.js";
import { saveResultsSchema, updateRecords } from "./collections.js";
import { salesforceLimits } from "./limits.js";

const eventIdPattern = /^00U[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?$/;

/** Event fields of a new time (StartDateTime/EndDateTime are UTC instants, as on create). */
function rescheduleFields(change: Extract<AppointmentChange["change"], { action: "reschedule" }>) {
  return {
    StartDateTime: change.startsAt,
    EndDateTime: change.endsAt,
    ...(change.title !== undefined
      ? { Subject: change.title.slice(0, salesforceLimits.taskSubjectMax) }
      : {}),
    ...(change.notes !== undefined
      ? { Description: change.notes.slice(0, salesforceLimits.taskDescriptionMax) }
      : {}),
    ...(change.location !== undefined ? { Location: change.location } : {}),
  };
}

/**
 * Delete Events (sObject Collections delete, 200 a request). Salesforce's Event has no cancelled
 * status, so a cancelled appointment is deleted (to the Recycle Bin, restorable there):
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_delete.htm
 * An Event already deleted (ENTITY_IS_DELETED) or gone (INVALID_CROSS_REFERENCE_KEY) counts as
 * cancelled: a retry after a lost answer finds the first delete done.
 */
async function deleteEvents(
  session: SalesforceSession,
  ids: readonly string[],
): Promise<Map<string, ErrorClass>> {
  const failures = new Map<string, ErrorClass>();
  for (const part of chunks(ids, salesforceLimits.collectionSize)) {
    const raw = await session.call((conn) =>
      conn.requestDelete(`/composite/sobjects?ids=${part.join(",")}&allOrNone=false`),
    );
    const results = saveResultsSchema.parse(raw);
    part.forEach((id, i) => {
      const result = results[i];
      if (!result || result.success) return;
      const first = result.errors[0];
      if (!first || ["ENTITY_IS_DELETED", "INVALID_CROSS_REFERENCE_KEY"].includes(first.statusCode)) return;
      failures.set(id, classifyCode(first.statusCode, first.message));
    });
  }
  return failures;
}

/**
 * Reschedules (Event updates through sObject Collections) and cancellations (Event deletes), by
 * Event id. Both are idempotent, so an ambiguous failure is simply retried.
 */
export async function changeAppointments(
  session: SalesforceSession,
  batch: readonly AppointmentChange[],
): Promise<AppointmentChangeResult[]> {
  const results = new Map<string, AppointmentChangeResult>();
  const valid = batch.filter((item) => {
    if (eventIdPattern.test(item.recordId)) return true;
    results.set(item.changeId, {
      changeId: item.changeId,
      ok: false,
      error: { kind: "permanent", reason: `not an Event id: ${item.recordId}`, code: "MALFORMED_ID" },
    });
    return false;
  });
  const reschedules = valid.filter((item) => item.change.action === "reschedule");
  const cancels = valid.filter((item) => item.change.action === "cancel");
  try {
    const saved = await updateRecords(
      session,
      reschedules.map((item) => ({
        type: "Event",
        id: item.recordId,
        fields: item.change.action === "reschedule" ? rescheduleFields(item.change) : {},
      })),
    );
    reschedules.forEach((item, i) => {
      const outcome = saved[i];
      results.set(
        item.changeId,
        outcome?.ok
          ? { changeId: item.changeId, ok: true }
          : {
              changeId: item.changeId,
              ok: false,
              error: outcome?.error ?? { kind: "retry", reason: "no result", ambiguous: false },
            },
      );
    });
  } catch (error) {
    const verdict = classifyError(error);
    for (const item of reschedules)
      results.set(item.changeId, { changeId: item.changeId, ok: false, error: verdict });
  }
  try {
    const failures = await deleteEvents(session, [...new Set(cancels.map((item) => item.recordId))]);
    for (const item of cancels) {
      const failure = failures.get(item.recordId);
      results.set(
        item.changeId,
        failure
          ? { changeId: item.changeId, ok: false, error: failure }
          : { changeId: item.changeId, ok: true },
      );
    }
  } catch (error) {
    const verdict = classifyError(error);
    for (const item of cancels)
      results.set(item.changeId, { changeId: item.changeId, ok: false, error: verdict });
  }
  return batch.map((item) => results.get(item.changeId) as AppointmentChangeResult);
}
