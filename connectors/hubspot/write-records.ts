import type { ErrorClass } from "../../src/errors.js";
import type { HubspotIntegration } from "./config.js";
import { chunk, idsNamedBy, sendIsolating } from "./isolate.js";
import { hubspotLimits } from "./limits.js";
import { batchResultSchema } from "./records.js";
import type { HubspotTransport } from "./transport.js";

/** Property values as HubSpot takes them: strings; `""` clears a property. */
export function propertyValue(value: string | number | boolean | null): string {
  if (value === null) return "";
  return typeof value === "boolean" ? (value ? "true" : "false") : String(value);
}

/**
 * The do-not-call setting of an object: `doNotCall` for contacts, `objects.<name>.doNotCall` for a
 * company or custom object; undefined when it has none (opt-outs then stay in telesync).
 */
export function doNotCallOf(
  config: Pick<HubspotIntegration, "doNotCall" | "objects">,
  objectType: string,
): HubspotIntegration["doNotCall"] | undefined {
  return objectType === "contacts" ? config.doNotCall : config.objects[objectType]?.doNotCall;
}

/** The do-not-call property and the value that sets or lifts it; `{}` when the object has none. */
export function doNotCallProperties(
  config: Pick<HubspotIntegration, "doNotCall" | "objects">,
  doNotCall: boolean,
  objectType = "contacts",
): Record<string, string> {
  const setting = doNotCallOf(config, objectType);
  if (!setting) return {};
  return { [setting.property]: doNotCall ? setting.value : setting.clearValue };
}

/** A record by object type and id, as failures are keyed. */
export function recordKey(objectType: string, id: string): string {
  return `${objectType}/${id}`;
}

export interface RecordChange {
  objectType: string;
  id: string;
  properties: Record<string, string>;
}

/**
 * Property changes per object type and record, merged in input order (a later change wins):
 * HubSpot rejects a batch update that names one id twice.
 */
export function mergeByRecord(
  changes: readonly RecordChange[],
): Map<string, { id: string; properties: Record<string, string> }[]> {
  const merged = new Map<string, Map<string, Record<string, string>>>();
  for (const change of changes) {
    const byId = merged.get(change.objectType) ?? new Map<string, Record<string, string>>();
    merged.set(change.objectType, byId);
    byId.set(change.id, { ...byId.get(change.id), ...change.properties });
  }
  return new Map(
    [...merged].map(([type, byId]) => [type, [...byId].map(([id, properties]) => ({ id, properties }))]),
  );
}

/** {@link updateRecords} for every object type of a merged change set; failures by {@link recordKey}. */
export async function updateAll(
  transport: HubspotTransport,
  changes: readonly RecordChange[],
): Promise<Map<string, ErrorClass>> {
  const failures = new Map<string, ErrorClass>();
  for (const [objectType, updates] of mergeByRecord(changes)) {
    for (const [id, error] of await updateRecords(transport, objectType, updates))
      failures.set(recordKey(objectType, id), error);
  }
  return failures;
}

/**
 * `POST /crm/v3/objects/{objectType}/batch/update`, 100 records a request. Returns the failure of
 * each record that was not updated (absent = updated). Property updates are idempotent, so they are
 * retried after ambiguous failures.
 */
export async function updateRecords(
  transport: HubspotTransport,
  objectType: string,
  updates: readonly { id: string; properties: Record<string, string> }[],
): Promise<Map<string, ErrorClass>> {
  const failures = new Map<string, ErrorClass>();
  for (const part of chunk(updates, hubspotLimits.objects.batchUpdate)) {
    await sendIsolating(
      part,
      async (inputs) => {
        const answer = batchResultSchema.parse(
          await transport.call(
            `${objectType}.batchUpdate`,
            (client, options) =>
              client.crm.objects.batchApi.update(objectType, { inputs: [...inputs] }, options),
            { idempotent: true },
          ),
        );
        const ids = new Set(inputs.map((input) => input.id));
        for (const error of answer.errors ?? []) {
          for (const id of idsNamedBy(error.context, ids)) {
            failures.set(id, {
              kind: "permanent",
              reason: `HubSpot ${error.category ?? "error"}: ${error.message ?? "record not updated"}`,
              code: error.category ?? "BATCH_ERROR",
            });
          }
        }
      },
      (inputs, verdict) => {
        for (const input of inputs) failures.set(input.id, verdict);
      },
      (error) => transport.classify(error),
    );
  }
  return failures;
}
