import { CrmError, type ErrorClass } from "../../src/errors.js";
import type { ActivityWrite, ConsentResult, ConsentWrite, WriteLedger, WriteResult } from "../types.js";
import type { HubspotIntegration } from "./config.js";
import type { HubspotTransport } from "./transport.js";
import { type CallOutcome, createCalls } from "./write-calls.js";
import { doNotCallProperties, mergeByContact, propertyValue, updateContacts } from "./write-contacts.js";
import { resolveExisting } from "./write-existing.js";
import { writeMeetings } from "./write-meetings.js";

function invalidReason(write: ActivityWrite): string | undefined {
  if (write.lead.objectType !== "contacts")
    return `HubSpot writeback supports contacts, not ${write.lead.objectType}`;
  if (!/^\d+$/.test(write.lead.crmId)) return `not a HubSpot contact id: ${write.lead.crmId}`;
  if (!Number.isFinite(Date.parse(write.call.startedAt))) return `invalid startedAt: ${write.call.startedAt}`;
  if (!Number.isFinite(write.call.durationSec) || write.call.durationSec < 0) return "invalid durationSec";
  return undefined;
}

function contactChanges(
  write: ActivityWrite,
  config: HubspotIntegration,
): Record<string, string> | undefined {
  if (write.leadUpdates === undefined && write.doNotCall === undefined) return undefined;
  const properties: Record<string, string> = {};
  for (const [name, value] of Object.entries(write.leadUpdates ?? {}))
    properties[name] = propertyValue(value);
  if (write.doNotCall !== undefined) Object.assign(properties, doNotCallProperties(config, write.doNotCall));
  return Object.keys(properties).length > 0 ? properties : undefined;
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
 * Write call outcomes: contact property changes first (lead status, do-not-call; idempotent, so a
 * failure there stops the call from being created and a retry is clean), then the calls already
 * written (the ledger; with `checkExisting` a search too, see `resolveExisting`), then one batch
 * create of the rest, marked as sent before it goes and recorded in the ledger from the answer
 * before the results are returned. The notes go into the call's body: a separate Note would show the same text twice on
 * the contact's timeline and give one outcome two records to keep idempotent.
 * One result per input, in input order; a repeated outcomeId shares the first one's call.
 */
export async function writeActivities(
  transport: HubspotTransport,
  config: HubspotIntegration,
  batch: readonly ActivityWrite[],
  options: { checkExisting: boolean },
  memory: CreateMemory,
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

  const changes = ready.flatMap(({ write }) => {
    const properties = contactChanges(write, config);
    return properties ? [{ contactId: write.lead.crmId, properties }] : [];
  });
  const contactFailures = await updateContacts(transport, mergeByContact(changes));
  const writable = ready.filter(({ index, write }) => {
    const failure = contactFailures.get(write.lead.crmId);
    if (failure && contactChanges(write, config)) results.set(index, failed(write.outcomeId, failure));
    return !results.has(index);
  });

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
    created = await createCalls(transport, config, toCreate);
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

/** Set or lift the configured do-not-call property; one result per input, in input order. */
export async function writeConsent(
  transport: HubspotTransport,
  config: HubspotIntegration,
  batch: readonly ConsentWrite[],
): Promise<ConsentResult[]> {
  const results = new Map<number, ConsentResult>();
  const valid = batch.filter((change, index) => {
    if (change.lead.objectType === "contacts" && /^\d+$/.test(change.lead.crmId)) return true;
    results.set(index, {
      id: change.id,
      ok: false,
      error: {
        kind: "permanent",
        reason: `not a HubSpot contact: ${change.lead.objectType}/${change.lead.crmId}`,
        code: "INVALID_CONSENT",
      },
    });
    return false;
  });
  const failures = await updateContacts(
    transport,
    mergeByContact(
      valid.map((c) => ({ contactId: c.lead.crmId, properties: doNotCallProperties(config, c.doNotCall) })),
    ),
  );
  return batch.map((change, index) => {
    const known = results.get(index);
    if (known) return known;
    const error = failures.get(change.lead.crmId);
    return error ? { id: change.id, ok: false, error } : { id: change.id, ok: true };
  });
}
