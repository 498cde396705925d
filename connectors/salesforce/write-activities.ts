import { z } from "zod";
import { CrmError, type ErrorClass } from "../../src/errors.js";
import type { ActivityWrite, WriteResult } from "../types.js";
import type { SalesforceSession } from "./auth.js";
import { classifyError } from "./classify-error.js";
import {
  createRecords,
  mergeUpdates,
  type RecordUpdate,
  type SaveOutcome,
  updateRecords,
} from "./collections.js";
import type { SalesforceIntegration } from "./config.js";
import { salesforceIdPattern, salesforceLimits } from "./limits.js";
import { queryAll } from "./query-pages.js";
import {
  type RecordTarget,
  resolveTargets,
  type TargetContext,
  type TargetOrProblem,
  targetKey,
} from "./record-targets.js";
import { chunkForIn, tasksByCallObjectQuery } from "./soql.js";
import { writeEvents } from "./write-events.js";

/** Field names a lead update may set: plain fields only (no relationship paths). */
const updatableField = /^[A-Za-z][A-Za-z0-9_]*$/;
const isoDate = /^(\d{4}-\d{2}-\d{2})T/;

const taskRowSchema = z.object({ Id: z.string(), CallObject: z.string().nullable() }).loose();

/** Why an item cannot be written at all; checked before anything is sent. */
function invalid(item: ActivityWrite, target: TargetOrProblem | undefined): string | undefined {
  if (!target) return "no target resolved";
  if ("problem" in target) return target.problem;
  if (item.lead.membershipId !== undefined && !salesforceIdPattern.test(item.lead.membershipId)) {
    return `membership id ${JSON.stringify(item.lead.membershipId)} is not a Salesforce id`;
  }
  if (!isoDate.test(item.call.startedAt))
    return `startedAt ${JSON.stringify(item.call.startedAt)} is not an ISO date-time`;
  const bad = Object.keys(item.leadUpdates ?? {}).filter((f) => !updatableField.test(f));
  if (bad.length > 0) return `lead update field(s) ${bad.join(", ")} are not field names`;
  return undefined;
}

function truncate(value: string, max: number): string {
  return value.length > max ? value.slice(0, max) : value;
}

/**
 * The Task of a logged call. Field reference:
 * https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_task.htm
 * ActivityDate is a date without zone: the date as written in startedAt (the dialer's offset when given).
 */
export function taskFields(
  item: ActivityWrite,
  config: SalesforceIntegration,
  target: RecordTarget = { link: { WhoId: item.lead.crmId } },
): Record<string, unknown> {
  const { call } = item;
  const description = [call.notes, call.recordingUrl ? `Recording: ${call.recordingUrl}` : undefined]
    .filter((part): part is string => part !== undefined && part !== "")
    .join("\n\n");
  return {
    TaskSubtype: "Call",
    CallType: call.direction === "outbound" ? "Outbound" : "Inbound",
    CallDurationInSeconds: Math.max(0, Math.round(call.durationSec)),
    CallObject: item.outcomeId,
    ...target.link,
    Subject: truncate(call.subject, salesforceLimits.taskSubjectMax),
    Status: call.status ?? config.writeback.taskStatus,
    ActivityDate: isoDate.exec(call.startedAt)?.[1],
    ...(call.disposition !== undefined ? { CallDisposition: call.disposition } : {}),
    ...(description ? { Description: truncate(description, salesforceLimits.taskDescriptionMax) } : {}),
    ...(call.ownerId ? { OwnerId: call.ownerId } : {}),
  };
}

/**
 * The record updates an item asks for once its Task exists: lead fields, do-not-call (on the
 * record's own checkbox; an object without one keeps consent in telesync only), member status.
 */
export function followUps(
  item: ActivityWrite,
  target: Pick<RecordTarget, "doNotCallField" | "fields"> = { doNotCallField: "DoNotCall" },
): RecordUpdate[] {
  const updates: RecordUpdate[] = [];
  // Disposition updates are integration-wide (Lead Status…): an Account or custom object takes
  // those it has a field for (`telesync check --live` names the others).
  const leadFields: Record<string, unknown> = Object.fromEntries(
    Object.entries(item.leadUpdates ?? {}).filter(
      ([name]) => !target.fields || target.fields.has(name.toLowerCase()),
    ),
  );
  if (item.doNotCall !== undefined && target.doNotCallField)
    leadFields[target.doNotCallField] = item.doNotCall;
  if (Object.keys(leadFields).length > 0) {
    updates.push({ type: item.lead.objectType, id: item.lead.crmId, fields: leadFields });
  }
  if (item.lead.membershipId && item.membershipStatus !== undefined) {
    updates.push({
      type: "CampaignMember",
      id: item.lead.membershipId,
      fields: { Status: item.membershipStatus },
    });
  }
  return updates;
}

/** Tasks already stored under these outcome ids (Task.CallObject). */
async function existingTasks(session: SalesforceSession, outcomeIds: string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const chunk of chunkForIn(outcomeIds)) {
    for (const raw of await queryAll(session, tasksByCallObjectQuery(chunk))) {
      const row = taskRowSchema.parse(raw);
      // SOQL compares strings case-insensitively; only the exact value is ours.
      if (row.CallObject && chunk.includes(row.CallObject) && !found.has(row.CallObject))
        found.set(row.CallObject, row.Id);
    }
  }
  return found;
}

/** A follow-up failed after the Task was stored: a retry must find the Task (checkExisting) and redo the rest. */
function afterTask(taskId: string, what: string, error: ErrorClass): ErrorClass {
  const reason = `Task ${taskId} is stored; ${what} failed: ${error.reason}`;
  if (error.kind === "permanent") return { ...error, reason };
  return { kind: "retry", reason, ambiguous: true };
}

/**
 * Write call outcomes as Tasks (sObject Collections create), then their record updates (one PATCH,
 * several updates of a record merged). One result per input, in input order.
 *
 * An item whose Task is stored but whose update failed is reported failed (`retry` with
 * `ambiguous: true`, or `permanent`) with the Task id in the reason: the update may be a do-not-call
 * change, which must not be dropped. Any retry or replay of it must pass `checkExisting`, which finds
 * the Task by CallObject (reported `alreadyExisted`) and re-applies the updates, which are idempotent.
 */
export async function writeActivities(
  targets: TargetContext,
  config: SalesforceIntegration,
  batch: readonly ActivityWrite[],
  options: { checkExisting: boolean },
): Promise<WriteResult[]> {
  const { session } = targets;
  if (batch.length > salesforceLimits.collectionSize) {
    throw new CrmError({
      kind: "permanent",
      reason: `writeActivities takes at most ${salesforceLimits.collectionSize} items, got ${batch.length}`,
    });
  }
  const resolved = await resolveTargets(
    targets,
    batch.map((item) => item.lead),
  );
  const targetOf = (item: ActivityWrite) => resolved.get(targetKey(item.lead));
  const problems = batch.map((item) => invalid(item, targetOf(item)));
  const tasks: (SaveOutcome & { existed?: boolean })[] = problems.map((problem) =>
    problem
      ? { ok: false, error: { kind: "permanent", reason: problem } }
      : { ok: false, error: { kind: "retry", reason: "not attempted", ambiguous: false } },
  );
  const pending = batch.flatMap((_, i) => (problems[i] ? [] : [i]));
  /** Only for pending items, whose target resolved. */
  const target = (i: number) => targetOf(batch[i]!) as RecordTarget;

  const existing = options.checkExisting
    ? await existingTasks(
        session,
        pending.map((i) => batch[i]!.outcomeId),
      )
    : new Map();
  // One Task per outcomeId even if the batch repeats one.
  const firstOf = new Map<string, number>();
  const toCreate: number[] = [];
  for (const i of pending) {
    const id = batch[i]!.outcomeId;
    const found = existing.get(id);
    if (found) tasks[i] = { ok: true, id: found, existed: true };
    else if (firstOf.has(id)) continue;
    else {
      firstOf.set(id, i);
      toCreate.push(i);
    }
  }
  const created = await createRecords(
    session,
    toCreate.map((i) => ({ type: "Task", fields: taskFields(batch[i]!, config, target(i)) })),
  );
  toCreate.forEach((i, k) => {
    tasks[i] = created[k]!;
  });
  for (const i of pending) {
    const first = firstOf.get(batch[i]!.outcomeId);
    if (first !== undefined && first !== i) tasks[i] = { ...tasks[first]!, existed: true };
  }

  // Follow-up updates for every item whose Task is stored.
  const owners: number[] = [];
  const updates: RecordUpdate[] = [];
  batch.forEach((item, i) => {
    if (!tasks[i]?.ok) return;
    for (const update of followUps(item, target(i))) {
      owners.push(i);
      updates.push(update);
    }
  });
  const failures = new Map<number, ErrorClass>();
  if (updates.length > 0) {
    const { merged, indexOf } = mergeUpdates(updates);
    let saved: SaveOutcome[];
    try {
      saved = await updateRecords(session, merged);
    } catch (error) {
      // The Tasks are stored: report per item rather than lose that.
      const whole = classifyError(error);
      saved = merged.map(() => ({ ok: false, error: whole }));
    }
    updates.forEach((update, k) => {
      const outcome = saved[indexOf[k]!];
      const owner = owners[k]!;
      if (outcome && !outcome.ok && !failures.has(owner)) {
        const task = tasks[owner];
        failures.set(
          owner,
          afterTask(task?.ok ? task.id : "?", `${update.type} ${update.id} update`, outcome.error),
        );
      }
    });
  }

  // Appointments: one Event per item whose Task is stored; a failure is retried like an update's.
  const withAppointments = batch.flatMap((item, i) =>
    item.appointment && tasks[i]?.ok
      ? [{ index: i, item, appointment: item.appointment, link: target(i).link }]
      : [],
  );
  const { failures: eventFailures, eventIds } = await writeEvents(
    session,
    config.writeback.appointmentIdField,
    withAppointments,
    options.checkExisting,
  );
  for (const [i, error] of eventFailures) {
    const task = tasks[i];
    if (!failures.has(i)) failures.set(i, afterTask(task?.ok ? task.id : "?", "Event create", error));
  }

  return batch.map((item, i): WriteResult => {
    const task = tasks[i]!;
    if (!task.ok) return { outcomeId: item.outcomeId, ok: false, error: task.error };
    const failure = failures.get(i);
    if (failure) return { outcomeId: item.outcomeId, ok: false, error: failure };
    return {
      outcomeId: item.outcomeId,
      ok: true,
      activityId: task.id,
      alreadyExisted: task.existed === true,
      ...(eventIds.has(i) ? { appointmentRecordId: eventIds.get(i) as string } : {}),
    };
  });
}
