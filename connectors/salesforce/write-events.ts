import { z } from "zod";
import type { ErrorClass } from "../../src/errors.js";
import type { ActivityWrite, AppointmentWrite } from "../types.js";
import type { SalesforceSession } from "./auth.js";
import { classifyError } from "./classify-error.js";
import { createRecords, type SaveOutcome } from "./collections.js";
import { salesforceLimits } from "./limits.js";
import { queryAll } from "./query-pages.js";
import { chunkForIn, soqlString } from "./soql.js";

/**
 * The Event of an appointment. Field reference:
 * https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_event.htm
 * StartDateTime/EndDateTime are UTC instants; `appointmentIdField` is the admin's custom text field.
 */
export function eventFields(
  lead: ActivityWrite["lead"],
  appointment: AppointmentWrite,
  appointmentIdField: string,
  /** WhoId or WhatId as the record's object requires (see record-targets.ts); default the lead as WhoId. */
  link: { WhoId: string } | { WhatId: string } = { WhoId: lead.crmId },
): Record<string, unknown> {
  return {
    ...link,
    Subject: appointment.title.slice(0, salesforceLimits.taskSubjectMax),
    StartDateTime: appointment.startsAt,
    EndDateTime: appointment.endsAt,
    [appointmentIdField]: appointment.appointmentId,
    ...(appointment.notes
      ? { Description: appointment.notes.slice(0, salesforceLimits.taskDescriptionMax) }
      : {}),
    ...(appointment.location ? { Location: appointment.location } : {}),
    ...(appointment.ownerId ? { OwnerId: appointment.ownerId } : {}),
  };
}

/** Events already stored under these appointment ids (a retry after an ambiguous failure). */
async function existingEvents(
  session: SalesforceSession,
  field: string,
  ids: readonly string[],
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const row = z.looseObject({ Id: z.string() });
  for (const chunk of chunkForIn([...ids])) {
    const soql = `SELECT Id, ${field} FROM Event WHERE ${field} IN (${chunk.map(soqlString).join(", ")})`;
    for (const raw of await queryAll(session, soql)) {
      const parsed = row.parse(raw);
      const id = (raw as Record<string, unknown>)[field];
      if (typeof id === "string" && !found.has(id)) found.set(id, parsed.Id);
    }
  }
  return found;
}

/**
 * Create the Event of every item whose Task is stored and that carries an appointment: one sObject
 * Collections request per 200. With `checkExisting`, Events already stored under the appointment id
 * are found first and not created again. Returns the failures by item index.
 */
export async function writeEvents(
  session: SalesforceSession,
  appointmentIdField: string,
  items: ReadonlyArray<{
    index: number;
    item: ActivityWrite;
    appointment: AppointmentWrite;
    link?: { WhoId: string } | { WhatId: string };
  }>,
  checkExisting: boolean,
): Promise<{ failures: Map<number, ErrorClass>; eventIds: Map<number, string> }> {
  const failures = new Map<number, ErrorClass>();
  const eventIds = new Map<number, string>();
  if (items.length === 0) return { failures, eventIds };
  const existing = checkExisting
    ? await existingEvents(
        session,
        appointmentIdField,
        items.map((each) => each.appointment.appointmentId),
      )
    : new Map<string, string>();
  const seen = new Set<string>();
  const toCreate = items.filter(({ appointment }) => {
    if (existing.has(appointment.appointmentId) || seen.has(appointment.appointmentId)) return false;
    seen.add(appointment.appointmentId);
    return true;
  });
  let saved: SaveOutcome[];
  try {
    saved = await createRecords(
      session,
      toCreate.map(({ item, appointment, link }) => ({
        type: "Event",
        fields: eventFields(item.lead, appointment, appointmentIdField, link),
      })),
    );
  } catch (error) {
    // The request as a whole failed (perhaps after Salesforce applied it): every Event is in doubt.
    const whole = classifyError(error);
    saved = toCreate.map(() => ({ ok: false, error: whole }));
  }
  toCreate.forEach(({ index }, k) => {
    const outcome = saved[k];
    if (outcome && !outcome.ok) failures.set(index, outcome.error);
  });
  const byAppointment = new Map(existing);
  toCreate.forEach(({ appointment }, k) => {
    const outcome = saved[k];
    if (outcome?.ok) byAppointment.set(appointment.appointmentId, outcome.id);
  });
  for (const { index, appointment } of items) {
    const id = byAppointment.get(appointment.appointmentId);
    if (id && !failures.has(index)) eventIds.set(index, id);
  }
  return { failures, eventIds };
}
