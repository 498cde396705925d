import { z } from "zod";
import type { LeadCreate, LeadCreateResult } from "../types.js";
import { chunk } from "./isolate.js";
import { hubspotLimits } from "./limits.js";
import type { HubspotTransport } from "./transport.js";

/** The SDK names the `new` flag `_new`; the wire says `new`. Either way: created, not updated. */
const upsertAnswerSchema = z.object({
  results: z.array(
    z
      .object({
        id: z.string().min(1),
        properties: z.record(z.string(), z.string().nullable().optional()),
        _new: z.boolean().optional(),
        new: z.boolean().optional(),
        objectWriteTraceId: z.string().optional(),
      })
      .loose(),
  ),
  errors: z
    .array(z.object({ category: z.string().optional(), message: z.string().optional() }).loose())
    .optional(),
});

/**
 * Contacts for callers no record matched, as batch upserts by a unique-value property the admin
 * creates (`POST /crm/v3/objects/contacts/batch/upsert`, `idProperty`, 100 a request):
 * https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/contacts/batch/upsert-contacts
 * The upsert resolves the property at write time (not through the lagging search index), so a retry
 * after a lost answer updates the contact the first attempt created: it is safe to repeat. HubSpot
 * does not promise result order: results are matched by the property's value.
 */
export async function createContacts(
  transport: HubspotTransport,
  batch: readonly LeadCreate[],
): Promise<LeadCreateResult[]> {
  const found = new Map<string, LeadCreateResult>();
  for (const part of chunk(batch, hubspotLimits.objects.batchUpdate)) {
    const inputs = part.map((item) => ({
      id: item.createId,
      idProperty: item.idField,
      objectWriteTraceId: item.createId,
      properties: { ...item.fields },
    }));
    const raw = await transport.call(
      "contacts.batchUpsert",
      (client, options) => client.crm.contacts.batchApi.upsert({ inputs }, options),
      { idempotent: true },
    );
    const answer = upsertAnswerSchema.parse(raw);
    for (const result of answer.results) {
      const item = part.find(
        (each) =>
          result.objectWriteTraceId === each.createId || result.properties[each.idField] === each.createId,
      );
      if (!item) continue;
      found.set(item.createId, {
        createId: item.createId,
        ok: true,
        crmId: result.id,
        created: result.new ?? result._new ?? true,
      });
    }
    const firstError = answer.errors?.[0];
    for (const item of part) {
      if (found.has(item.createId)) continue;
      found.set(item.createId, {
        createId: item.createId,
        ok: false,
        error: firstError
          ? {
              kind: "permanent",
              reason: `HubSpot ${firstError.category ?? "error"}: ${firstError.message ?? "contact not created"}`,
              code: firstError.category ?? "BATCH_ERROR",
            }
          : { kind: "retry", reason: "HubSpot answered no result for this contact", ambiguous: false },
      });
    }
  }
  return batch.map((item) => found.get(item.createId) as LeadCreateResult);
}
