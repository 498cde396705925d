import { CrmError, type ErrorClass } from "../../src/errors.js";
import type { ActivityWrite, ConsentResult, ConsentWrite, WriteLedger, WriteResult } from "../types.js";
import type { HubspotIntegration } from "./config.js";
import type { ObjectCatalog } from "./object-catalog.js";
import { type AssociationType, hubspotSourceObjectSchema } from "./objects.js";
import type { HubspotTransport } from "./transport.js";
import { type CallOutcome, createCalls } from "./write-calls.js";
import { resolveExisting } from "./write-existing.js";
import { writeMeetings } from "./write-meetings.js";
import {
  doNotCallProperties,
  propertyValue,
  type RecordChange,
  recordKey,
  updateAll,
} from "./write-records.js";

/** Whether a lead names a record telesync can write to: a source object and a numeric id. */
export function leadProblem(lead: { objectType: string; crmId: string }): string | undefined {
  if (!hubspotSourceObjectSchema.safeParse(lead.objectType).success)
    return `not a HubSpot source object: ${lead.objectType} (contacts, companies or a custom object)`;
  if (!/^\d+$/.test(lead.crmId)) return `not a HubSpot record id: ${lead.crmId}`;
  return undefined;
}

function invalidReason(write: ActivityWrite): string | undefined {
  const problem = leadProblem(write.lead);
  if (problem) return problem;
  if (!Number.isFinite(Date.parse(write.call.startedAt))) return `invalid startedAt: ${write.call.startedAt}`;
  if (!Number.isFinite(write.call.durationSec) || write.call.durationSec < 0) return "invalid durationSec";
  return undefined;
}

/**
 * The record's property changes an outcome asks for: the disposition's lead updates and the
 * do-not-call property. Contacts take every lead update; a company or custom object only those it
 * has a property for (`names`; an integration-wide update such as `hs_lead_status` is skipped, not
 * failed, on an object without it), and do-not-call only when the object has a do-not-call setting.
 */
function recordChanges(
  write: ActivityWrite,
  config: HubspotIntegration,
  names: ReadonlySet<string> | undefined,
  skipped: Set<string>,
): Record<string, string> | undefined {
  if (write.leadUpdates === undefined && write.doNotCall === undefined) return undefined;
  const properties: Record<string, string> = {};
  for (const [name, value] of Object.entries(write.leadUpdates ?? {})) {
    if (!names || names.has(name.toLowerCase())) properties[name] = propertyValue(value);
    else skipped.add(`${write.lead.objectType}.${name}`);
  }
  if (write.doNotCall !== undefined)
    Object.assign(properties, doNotCallProperties(config, write.doNotCall, write.lead.objectType));
  return Object.keys(properties).length > 0 ? properties : undefined;
}

/** For each object type of the batch: what it resolves to, or why it cannot be written now. */
async function perObjectType<T>(
  types: Iterable<string>,
  resolve: (objectType: string) => Promise<T>,
  classify: (error: unknown) => ErrorClass,
): Promise<Map<string, T | { failed: ErrorClass }>> {
  const out = new Map<string, T | { failed: ErrorClass }>();
  for (const type of new Set(types)) {
    try {
      out.set(type, await resolve(type));
    } catch (error) {
      out.set(type, { failed: error instanceof CrmError ? error.classification : classify(error) });
    }
  }
  return out;
}

function isFailure(value: unknown): value is { failed: ErrorClass } {
  return typeof value === "object" && value !== null && "failed" in value;
}

const failed = (outcomeId: string, error: ErrorClass): WriteResult => ({ outcomeId, ok: false, error });

/** Where a batch's creates are remembered, and for how long a lookup miss is inconclusive. */
export interface CreateMemory {
  ledger: WriteLedger;
  integrationId: string;
  /** `requestTimeoutMs + searchIndexLagMs`: a create may be applied until the timeout, then indexed. */
  inconclusiveMs: number;
}

/**
 * Write call outcomes: record property changes first (lead status, do-not-call; idempotent, so a
 * failure there stops the call from being created and a retry is clean), then the calls already
 * written (the ledger; with `checkExisting` a search too, see `resolveExisting`), then one batch
 * create of the rest, marked as sent before it goes and recorded in the ledger from the answer
 * before the results are returned. The notes go into the call's body: a separate Note would show the same text twice on
 * the record's timeline and give one outcome two records to keep idempotent. Each call is associated
 * with its lead's record by the association type of that object (`ObjectCatalog.associationType`).
 * One result per input, in input order; a repeated outcomeId shares the first one's call.
 */
export async function writeActivities(
  transport: HubspotTransport,
  config: HubspotIntegration,
  batch: readonly ActivityWrite[],
  options: { checkExisting: boolean },
  memory: CreateMemory,
  catalog: ObjectCatalog,
): Promise<WriteResult[]> {
  const results = new Map<number, WriteResult>();
  const ready: { index: number; write: ActivityWrite }[] = [];
  batch.forEach((write, index) => {
    const problem = invalidReason(write);
    if (problem)
      results.set(
        index,
        failed(write.outcomeId, { kind: "permanent", reason: problem, code: "INVALID_OUTCOME" }),
      );
    else ready.push({ index, write });
  });

  const classify = (error: unknown) => transport.classify(error);
  // Property names of the companies and custom objects whose records take lead updates.
  const names = await perObjectType(
    ready
      .filter(({ write }) => write.leadUpdates && write.lead.objectType !== "contacts")
      .map(({ write }) => write.lead.objectType),
    (type) => catalog.propertyNames(type),
    classify,
  );
  const associations = await perObjectType(
    ready.map(({ write }) => write.lead.objectType),
    (type) => catalog.associationType("calls", type),
    classify,
  );
  const changesOf = new Map<number, Record<string, string> | undefined>();
  const skipped = new Set<string>();
  for (const { index, write } of ready) {
    const known = names.get(write.lead.objectType);
    const association = associations.get(write.lead.objectType);
    if (isFailure(known)) results.set(index, failed(write.outcomeId, known.failed));
    else if (isFailure(association)) results.set(index, failed(write.outcomeId, association.failed));
    else changesOf.set(index, recordChanges(write, config, known, skipped));
  }
  // Not a failure: the disposition's updates are integration-wide, and this object has no such property.
  if (skipped.size > 0)
    transport.warn({ skipped: [...skipped] }, "lead updates skipped: the object has no such property");
  const changes: RecordChange[] = ready.flatMap(({ index, write }) => {
    const properties = changesOf.get(index);
    return properties ? [{ objectType: write.lead.objectType, id: write.lead.crmId, properties }] : [];
  });
  const recordFailures = await updateAll(transport, changes);
  const writable = ready.filter(({ index, write }) => {
    const failure = recordFailures.get(recordKey(write.lead.objectType, write.lead.crmId));
    if (failure && changesOf.get(index)) results.set(index, failed(write.outcomeId, failure));
    return !results.has(index);
  });
  const associationOf = (write: ActivityWrite) => associations.get(write.lead.objectType) as AssociationType;

  let existing = new Map<string, string>();
  let unsettled = new Set<string>();
  if (writable.length > 0) {
    try {
      ({ existing, unsettled } = await resolveExisting(
        transport,
        memory.ledger,
        memory.integrationId,
        config.outcomeIdProperty,
        writable.map(({ write }) => write.outcomeId),
        options.checkExisting,
      ));
    } catch (error) {
      const verdict = error instanceof CrmError ? error.classification : transport.classify(error);
      for (const { index, write } of writable) results.set(index, failed(write.outcomeId, verdict));
      return batch.map((write, index) => results.get(index) ?? failed(write.outcomeId, verdict));
    }
  }

  const firstByOutcome = new Map<string, ActivityWrite>();
  for (const { write } of writable) {
    const id = write.outcomeId;
    if (!existing.has(id) && !unsettled.has(id) && !firstByOutcome.has(id)) firstByOutcome.set(id, write);
  }
  const toCreate = [...firstByOutcome.values()];
  let created = new Map<string, CallOutcome>();
  try {
    await memory.ledger.markSent(
      memory.integrationId,
      toCreate.map((w) => w.outcomeId),
      memory.inconclusiveMs,
    );
    created = await createCalls(transport, config, toCreate, associationOf);
  } catch (error) {
    // The ledger is unreachable: nothing was sent.
    const reason = `write ledger unavailable: ${error instanceof Error ? error.message : String(error)}`;
    for (const write of toCreate)
      created.set(write.outcomeId, { ok: false, error: { kind: "retry", reason, ambiguous: false } });
  }
  const ids = new Map<string, string>();
  const settled: string[] = [];
  for (const [outcomeId, outcome] of created) {
    if (outcome.ok) ids.set(outcomeId, outcome.activityId);
    if (outcome.ok || !(outcome.error.kind === "retry" && outcome.error.ambiguous)) settled.push(outcomeId);
  }
  // Before the core hears of it: a crash between here and the acknowledgement finds these ids.
  // Best effort: if Redis is down the results still go back, and a retry falls back to the lookup.
  // The sent marks are cleared only once the ids are safe, so a lookup never trusts a miss too early.
  try {
    await memory.ledger.recordCreated(memory.integrationId, ids);
    await memory.ledger.clearSent(memory.integrationId, settled);
  } catch (error) {
    transport.warn(
      { err: error instanceof Error ? error.message : String(error) },
      "write ledger not updated",
    );
  }
  // Appointments: a meeting per item whose call is stored; a failure is retried with checkExisting.
  const { failures: meetingFailures, meetingIds } = await writeMeetings(
    transport,
    config,
    catalog,
    writable.flatMap(({ index, write }) =>
      write.appointment && (existing.has(write.outcomeId) || created.get(write.outcomeId)?.ok)
        ? [{ index, write, appointment: write.appointment }]
        : [],
    ),
    options.checkExisting,
  );
  for (const [index, error] of meetingFailures) {
    const write = batch[index];
    if (!write) continue;
    const reason = `call stored; meeting failed: ${error.reason}`;
    results.set(
      index,
      failed(
        write.outcomeId,
        error.kind === "permanent" ? { ...error, reason } : { kind: "retry", reason, ambiguous: true },
      ),
    );
  }

  return batch.map((write, index) => {
    const known = results.get(index);
    if (known) return known;
    const existingId = existing.get(write.outcomeId);
    const meeting = meetingIds.has(index) ? { appointmentRecordId: meetingIds.get(index) as string } : {};
    if (existingId)
      return {
        outcomeId: write.outcomeId,
        ok: true,
        activityId: existingId,
        alreadyExisted: true,
        ...meeting,
      };
    const outcome = created.get(write.outcomeId);
    if (outcome?.ok)
      return {
        outcomeId: write.outcomeId,
        ok: true,
        activityId: outcome.activityId,
        alreadyExisted: false,
        ...meeting,
      };
    if (unsettled.has(write.outcomeId)) {
      const reason =
        "call sent recently and not found yet: HubSpot's search index may lag; looked up again later";
      return failed(write.outcomeId, { kind: "retry", reason, ambiguous: true });
    }
    return failed(
      write.outcomeId,
      outcome?.error ?? { kind: "retry", reason: "not written", ambiguous: true },
    );
  });
}

/**
 * Set or lift the do-not-call property of each record's object (`doNotCall` on contacts,
 * `objects.<name>.doNotCall` on a company or custom object). A record whose object has none is
 * answered ok without a write: its consent lives in telesync's suppression list only (`telesync
 * check` says so). One result per input, in input order.
 */
export async function writeConsent(
  transport: HubspotTransport,
  config: HubspotIntegration,
  batch: readonly ConsentWrite[],
): Promise<ConsentResult[]> {
  const results = new Map<number, ConsentResult>();
  const changes: RecordChange[] = [];
  batch.forEach((change, index) => {
    const problem = leadProblem(change.lead);
    if (problem) {
      results.set(index, {
        id: change.id,
        ok: false,
        error: { kind: "permanent", reason: problem, code: "INVALID_CONSENT" },
      });
      return;
    }
    const properties = doNotCallProperties(config, change.doNotCall, change.lead.objectType);
    if (Object.keys(properties).length === 0) results.set(index, { id: change.id, ok: true });
    else changes.push({ objectType: change.lead.objectType, id: change.lead.crmId, properties });
  });
  const failures = await updateAll(transport, changes);
  return batch.map((change, index) => {
    const known = results.get(index);
    if (known) return known;
    const error = failures.get(recordKey(change.lead.objectType, change.lead.crmId));
    return error ? { id: change.id, ok: false, error } : { id: change.id, ok: true };
  });
}
