import type {
  AssociationSpecAssociationCategoryEnum,
  FilterOperatorEnum,
  SimplePublicObjectBatchInputForCreate,
} from "@hubspot/api-client/lib/codegen/crm/objects/meetings/index.js";
import { z } from "zod";
import { CrmError, type ErrorClass } from "../../src/errors.js";
import type { ActivityWrite, AppointmentWrite } from "../types.js";
import type { HubspotIntegration } from "./config.js";
import { chunk } from "./isolate.js";
import { hubspotLimits } from "./limits.js";
import type { ObjectCatalog } from "./object-catalog.js";
import type { AssociationType } from "./objects.js";
import { batchResultSchema, pagingSchema, sdkObjectSchema } from "./records.js";
import type { HubspotTransport } from "./transport.js";
import { notesToCallBody } from "./write-calls.js";

export interface MeetingItem {
  index: number;
  write: ActivityWrite;
  appointment: AppointmentWrite;
}

/**
 * A meeting engagement's properties (meetings guide:
 * https://developers.hubspot.com/docs/api-reference/latest/crm/activities/meetings/guide); every value a string.
 */
export function meetingProperties(
  appointment: AppointmentWrite,
  config: HubspotIntegration,
): Record<string, string> {
  return {
    hs_timestamp: appointment.startsAt,
    hs_meeting_title: appointment.title,
    hs_meeting_start_time: appointment.startsAt,
    hs_meeting_end_time: appointment.endsAt,
    hs_meeting_outcome: "SCHEDULED",
    [config.appointmentIdProperty]: appointment.appointmentId,
    ...(appointment.notes ? { hs_meeting_body: notesToCallBody(appointment.notes) } : {}),
    ...(appointment.location ? { hs_meeting_location: appointment.location } : {}),
    ...(appointment.ownerId ? { hubspot_owner_id: appointment.ownerId } : {}),
  };
}

function meetingInput(
  item: MeetingItem,
  config: HubspotIntegration,
  association: AssociationType,
): SimplePublicObjectBatchInputForCreate {
  return {
    properties: meetingProperties(item.appointment, config),
    associations: [
      {
        to: { id: item.write.lead.crmId },
        types: [
          {
            associationCategory: association.category as AssociationSpecAssociationCategoryEnum,
            associationTypeId: association.typeId,
          },
        ],
      },
    ],
    objectWriteTraceId: item.appointment.appointmentId,
  };
}

const searchPageSchema = z.object({ results: z.array(sdkObjectSchema), paging: pagingSchema });

/** Meetings already stored under these appointment ids (search; eventually consistent, like calls). */
async function existingMeetings(
  transport: HubspotTransport,
  property: string,
  ids: readonly string[],
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const values of chunk([...new Set(ids)], hubspotLimits.search.maxInValues)) {
    const page = searchPageSchema.parse(
      await transport.call(
        "meetings.search",
        (client, options) =>
          client.crm.objects.meetings.searchApi.doSearch(
            {
              filterGroups: [
                { filters: [{ propertyName: property, operator: "IN" as FilterOperatorEnum, values }] },
              ],
              sorts: ["hs_object_id"],
              properties: [property],
              limit: hubspotLimits.search.maxPageSize,
              after: "0",
            },
            options,
          ),
        { search: true, idempotent: true },
      ),
    );
    for (const meeting of page.results) {
      const id = meeting.properties[property];
      if (id && !found.has(id)) found.set(id, meeting.id);
    }
  }
  return found;
}

/**
 * Create the meeting of each item (its call is stored), associated with the lead's record by that
 * object's association type (contact 200, company 188, a custom object's from the labels API):
 * `POST /crm/v3/objects/meetings/batch/create`, 100 a request, matched by `objectWriteTraceId`.
 * With `checkExisting`, meetings already stored under the appointment id are skipped. Returns the
 * failures by item index.
 */
export async function writeMeetings(
  transport: HubspotTransport,
  config: HubspotIntegration,
  catalog: ObjectCatalog,
  items: readonly MeetingItem[],
  checkExisting: boolean,
): Promise<{ failures: Map<number, ErrorClass>; meetingIds: Map<number, string> }> {
  const failures = new Map<number, ErrorClass>();
  const meetingIds = new Map<number, string>();
  if (items.length === 0) return { failures, meetingIds };
  let existing = new Map<string, string>();
  const associations = new Map<string, AssociationType>();
  try {
    for (const type of new Set(items.map((item) => item.write.lead.objectType)))
      associations.set(type, await catalog.associationType("meetings", type));
    if (checkExisting)
      existing = await existingMeetings(
        transport,
        config.appointmentIdProperty,
        items.map((item) => item.appointment.appointmentId),
      );
  } catch (error) {
    const verdict = error instanceof CrmError ? error.classification : transport.classify(error);
    for (const item of items) failures.set(item.index, verdict);
    return { failures, meetingIds };
  }
  const byAppointment = new Map(existing);
  const seen = new Set<string>();
  const toCreate = items.filter(({ appointment }) => {
    if (existing.has(appointment.appointmentId) || seen.has(appointment.appointmentId)) return false;
    seen.add(appointment.appointmentId);
    return true;
  });
  for (const part of chunk(toCreate, hubspotLimits.objects.batchCreate)) {
    try {
      const answer = batchResultSchema.parse(
        await transport.call(
          "meetings.batchCreate",
          (client, options) =>
            client.crm.objects.meetings.batchApi.create(
              {
                inputs: part.map((item) =>
                  meetingInput(item, config, associations.get(item.write.lead.objectType) as AssociationType),
                ),
              },
              options,
            ),
          { idempotent: false },
        ),
      );
      const created = new Map(
        answer.results.map((m) => [
          m.objectWriteTraceId ?? m.properties[config.appointmentIdProperty] ?? "",
          m.id,
        ]),
      );
      for (const [appointmentId, id] of created) byAppointment.set(appointmentId, id);
      for (const item of part) {
        if (!created.has(item.appointment.appointmentId)) {
          failures.set(item.index, {
            kind: "retry",
            reason: "meeting missing from HubSpot's batch answer",
            ambiguous: true,
          });
        }
      }
    } catch (error) {
      const verdict = transport.classify(error);
      for (const item of part) failures.set(item.index, verdict);
    }
  }
  for (const { index, appointment } of items) {
    const id = byAppointment.get(appointment.appointmentId);
    if (id && !failures.has(index)) meetingIds.set(index, id);
  }
  return { failures, meetingIds };
}
