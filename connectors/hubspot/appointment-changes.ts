import type { ErrorClass } from "../../src/errors.js";
import type { AppointmentChange, AppointmentChangeResult } from "../types.js";
import { chunk, idsNamedBy, sendIsolating } from "./isolate.js";
import { hubspotLimits } from "./limits.js";
import { batchResultSchema } from "./records.js";
import type { HubspotTransport } from "./transport.js";

/**
 * A meeting's properties for a change (meetings guide:
 * https://developers.hubspot.com/docs/api-reference/latest/crm/activities/meetings/guide):
 * a new time moves `hs_meeting_start_time` / `hs_meeting_end_time` (and `hs_timestamp`, the
 * activity's place on the timeline); a cancellation sets `hs_meeting_outcome` to `CANCELED`,
 * keeping the meeting on the record as HubSpot's own UI does.
 */
export function meetingChangeProperties(change: AppointmentChange["change"]): Record<string, string> {
  if (change.action === "cancel") return { hs_meeting_outcome: "CANCELED" };
  return {
    hs_timestamp: change.startsAt,
    hs_meeting_start_time: change.startsAt,
    hs_meeting_end_time: change.endsAt,
    hs_meeting_outcome: "SCHEDULED",
    ...(change.title !== undefined ? { hs_meeting_title: change.title } : {}),
    ...(change.notes !== undefined ? { hs_meeting_body: change.notes } : {}),
    ...(change.location !== undefined ? { hs_meeting_location: change.location } : {}),
  };
}

/**
 * `POST /crm/v3/objects/meetings/batch/update` by meeting id, 100 a request: property updates are
 * idempotent, so an ambiguous failure is retried by the transport. Several changes of one meeting in
 * a batch are merged (a later one wins): HubSpot refuses a batch naming one id twice.
 */
export async function changeMeetings(
  transport: HubspotTransport,
  batch: readonly AppointmentChange[],
): Promise<AppointmentChangeResult[]> {
  const failures = new Map<string, ErrorClass>();
  const merged = new Map<string, Record<string, string>>();
  for (const item of batch) {
    if (!/^\d+$/.test(item.recordId)) {
      failures.set(item.recordId, {
        kind: "permanent",
        reason: `not a HubSpot meeting id: ${item.recordId}`,
        code: "INVALID_ID",
      });
      continue;
    }
    merged.set(item.recordId, { ...merged.get(item.recordId), ...meetingChangeProperties(item.change) });
  }
  const inputs = [...merged].map(([id, properties]) => ({ id, properties }));
  for (const part of chunk(inputs, hubspotLimits.objects.batchUpdate)) {
    await sendIsolating(
      part,
      async (sent) => {
        const answer = batchResultSchema.parse(
          await transport.call(
            "meetings.batchUpdate",
            (client, options) => client.crm.objects.meetings.batchApi.update({ inputs: [...sent] }, options),
            { idempotent: true },
          ),
        );
        const ids = new Set(sent.map((input) => input.id));
        for (const error of answer.errors ?? []) {
          for (const id of idsNamedBy(error.context, ids)) {
            failures.set(id, {
              kind: "permanent",
              reason: `HubSpot ${error.category ?? "error"}: ${error.message ?? "meeting not updated"}`,
              code: error.category ?? "BATCH_ERROR",
            });
          }
        }
      },
      (sent, verdict) => {
        for (const input of sent) failures.set(input.id, verdict);
      },
      (error) => transport.classify(error),
    );
  }
  return batch.map((item) => {
    const failure = failures.get(item.recordId);
    return failure
      ? { changeId: item.changeId, ok: false, error: failure }
      : { changeId: item.changeId, ok: true };
  });
}
