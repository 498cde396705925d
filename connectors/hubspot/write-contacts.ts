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

/** The do-not-call property and the value that sets or lifts it. */
export function doNotCallProperties(config: HubspotIntegration, doNotCall: boolean): Record<string, string> {
  const { property, value, clearValue } = config.doNotCall;
  return { [property]: doNotCall ? value : clearValue };
}

/**
 * Property changes per contact, merged in input order (a later change wins): HubSpot rejects a
 * batch update that names one id twice.
 */
export function mergeByContact(
  changes: readonly { contactId: string; properties: Record<string, string> }[],
) {
  const merged = new Map<string, Record<string, string>>();
  for (const change of changes) {
    merged.set(change.contactId, { ...merged.get(change.contactId), ...change.properties });
  }
  return [...merged].map(([id, properties]) => ({ id, properties }));
}

/**
 * `POST /crm/v3/objects/contacts/batch/update`, 100 contacts a request. Returns the failure of each
 * contact that was not updated (absent = updated). Property updates are idempotent, so they are
 * retried after ambiguous failures.
 */
export async function updateContacts(
  transport: HubspotTransport,
  updates: readonly { id: string; properties: Record<string, string> }[],
): Promise<Map<string, ErrorClass>> {
  const failures = new Map<string, ErrorClass>();
  for (const part of chunk(updates, hubspotLimits.objects.batchUpdate)) {
    await sendIsolating(
      part,
      async (inputs) => {
        const answer = batchResultSchema.parse(
          await transport.call(
            "contacts.batchUpdate",
            (client, options) => client.crm.contacts.batchApi.update({ inputs: [...inputs] }, options),
            { idempotent: true },
          ),
        );
        const ids = new Set(inputs.map((input) => input.id));
        for (const error of answer.errors ?? []) {
          for (const id of idsNamedBy(error.context, ids)) {
            failures.set(id, {
              kind: "permanent",
              reason: `HubSpot ${error.category ?? "error"}: ${error.message ?? "contact not updated"}`,
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
