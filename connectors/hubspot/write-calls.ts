import type {
  AssociationSpecAssociationCategoryEnum,
  SimplePublicObjectBatchInputForCreate,
} from "@hubspot/api-client/lib/codegen/crm/objects/calls/index.js";
import type { ErrorClass } from "../../src/errors.js";
import type { ActivityWrite } from "../types.js";
import type { HubspotIntegration } from "./config.js";
import { chunk, idsNamedBy, sendIsolating } from "./isolate.js";
import { hubspotLimits } from "./limits.js";
import type { AssociationType } from "./objects.js";
import { batchResultSchema } from "./records.js";
import type { HubspotTransport } from "./transport.js";

/** `hs_call_body` is rich text: agent notes are escaped and their line breaks kept. */
export function notesToCallBody(notes: string): string {
  const html = notes
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\r?\n/g, "<br>");
  const max = hubspotLimits.textPropertyMaxChars;
  return html.length <= max ? html : `${html.slice(0, max - 16)} [… truncated]`;
}

/**
 * A call engagement's properties. https://developers.hubspot.com/docs/guides/api/crm/engagements/calls
 * `hs_call_duration` is in milliseconds; every value is a string.
 */
export function callProperties(write: ActivityWrite, config: HubspotIntegration): Record<string, string> {
  const { call } = write;
  const properties: Record<string, string> = {
    hs_timestamp: new Date(call.startedAt).toISOString(),
    hs_call_direction: call.direction === "inbound" ? "INBOUND" : "OUTBOUND",
    hs_call_status: call.status ?? "COMPLETED",
    hs_call_duration: String(Math.round(call.durationSec * 1000)),
    hs_call_title: call.subject,
    [config.outcomeIdProperty]: write.outcomeId,
  };
  if (call.disposition) properties.hs_call_disposition = call.disposition;
  if (call.notes) properties.hs_call_body = notesToCallBody(call.notes);
  if (call.toNumber) properties.hs_call_to_number = call.toNumber;
  if (call.fromNumber) properties.hs_call_from_number = call.fromNumber;
  if (call.recordingUrl) properties.hs_call_recording_url = call.recordingUrl;
  if (call.ownerId) properties.hubspot_owner_id = call.ownerId;
  return properties;
}

/**
 * One batch-create input: the call, associated with its lead's record by that object's association
 * type (contact 194, company 182, a custom object's from the labels API), traced by outcomeId.
 */
export function callInput(
  write: ActivityWrite,
  config: HubspotIntegration,
  association: AssociationType = { category: "HUBSPOT_DEFINED", typeId: 194 },
): SimplePublicObjectBatchInputForCreate {
  return {
    properties: callProperties(write, config),
    associations: [
      {
        to: { id: write.lead.crmId },
        types: [
          {
            associationCategory: association.category as AssociationSpecAssociationCategoryEnum,
            associationTypeId: association.typeId,
          },
        ],
      },
    ],
    objectWriteTraceId: write.outcomeId,
  };
}

export type CallOutcome = { ok: true; activityId: string } | { ok: false; error: ErrorClass };

/**
 * `POST /crm/v3/objects/calls/batch/create`, 100 calls a request. Results are matched to inputs by
 * `objectWriteTraceId` (or the outcome-id property), never by position; failures named in a 207's
 * `errors[].context` fail alone; an input the answer does not mention is reported as ambiguous.
 * A create is not idempotent, so an ambiguous failure is not retried here: the caller retries with
 * `checkExisting`.
 */
export async function createCalls(
  transport: HubspotTransport,
  config: HubspotIntegration,
  writes: readonly ActivityWrite[],
  associationOf: (write: ActivityWrite) => AssociationType,
): Promise<Map<string, CallOutcome>> {
  const outcomes = new Map<string, CallOutcome>();
  for (const part of chunk(writes, hubspotLimits.objects.batchCreate)) {
    await sendIsolating(
      part,
      async (batch) => {
        const inputs = batch.map((write) => callInput(write, config, associationOf(write)));
        const answer = batchResultSchema.parse(
          await transport.call(
            "calls.batchCreate",
            (client, options) => client.crm.objects.calls.batchApi.create({ inputs }, options),
            { idempotent: false },
          ),
        );
        const ids = new Set(batch.map((write) => write.outcomeId));
        for (const created of answer.results) {
          const outcomeId =
            created.objectWriteTraceId ?? created.properties[config.outcomeIdProperty] ?? undefined;
          if (outcomeId && ids.has(outcomeId)) outcomes.set(outcomeId, { ok: true, activityId: created.id });
        }
        for (const error of answer.errors ?? []) {
          for (const outcomeId of idsNamedBy(error.context, ids)) {
            outcomes.set(outcomeId, {
              ok: false,
              error: {
                kind: "permanent",
                reason: `HubSpot ${error.category ?? "error"}: ${error.message ?? "call not created"}`,
                code: error.category ?? "BATCH_ERROR",
              },
            });
          }
        }
        for (const write of batch) {
          if (!outcomes.has(write.outcomeId)) {
            outcomes.set(write.outcomeId, {
              ok: false,
              error: { kind: "retry", reason: "call missing from HubSpot's batch answer", ambiguous: true },
            });
          }
        }
      },
      (batch, verdict) => {
        for (const write of batch) outcomes.set(write.outcomeId, { ok: false, error: verdict });
      },
      (error) => transport.classify(error),
    );
  }
  return outcomes;
}
