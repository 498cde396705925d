import { z } from "zod";
import type { CrmChangeEvent, WebhookReceiver, WebhookRequest, WebhookVerdict } from "../types.js";
import type { HubspotIntegration } from "./config.js";
import { SIGNATURE_MAX_AGE_MS, verifySignatureV3 } from "./webhook-signature.js";

const idSchema = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)]).transform(String);

/**
 * One event of a webhook delivery (https://developers.hubspot.com/docs/api/webhooks): HubSpot adds
 * fields over time, so unknown ones are allowed; what we act on is checked.
 */
const eventSchema = z.looseObject({
  subscriptionType: z.string(),
  objectId: idSchema,
  propertyName: z.string().optional(),
  propertyValue: z.string().optional(),
  /** Merges: the record given priority, the ones merged into it, and the record that results. */
  primaryObjectId: idSchema.optional(),
  mergedObjectIds: z.array(idSchema).optional(),
  newObjectId: idSchema.optional(),
});
/** HubSpot sends at most 100 events per request; 1,000 leaves room without inviting abuse. */
const bodySchema = z.array(eventSchema).max(1_000);

const contacts = "contacts";

function header(headers: WebhookRequest["headers"], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** One HubSpot contact event → the core's change event; `undefined` for events we do not act on. */
function toChange(
  event: z.infer<typeof eventSchema>,
  doNotCall: HubspotIntegration["doNotCall"],
): CrmChangeEvent | undefined {
  const crmId = event.objectId;
  switch (event.subscriptionType) {
    case "contact.propertyChange":
      if (event.propertyName === doNotCall.property) {
        return {
          kind: "consent",
          objectType: contacts,
          crmId,
          doNotCall: event.propertyValue === doNotCall.value,
        };
      }
      return { kind: "changed", objectType: contacts, crmId };
    case "contact.deletion":
    case "contact.privacyDeletion":
      return { kind: "deleted", objectType: contacts, crmId };
    case "contact.merge": {
      // The merge may produce a new record: then every id before it is gone.
      // https://developers.hubspot.com/changelog/new-subscription-types-for-webhooks
      const survivorId = event.newObjectId ?? event.primaryObjectId ?? crmId;
      const before = [...(event.mergedObjectIds ?? []), event.primaryObjectId, crmId];
      const mergedIds = [...new Set(before)].filter(
        (id): id is string => id !== undefined && id !== survivorId,
      );
      return { kind: "merged", objectType: contacts, survivorId, mergedIds };
    }
    case "contact.creation":
    case "contact.restore":
      return { kind: "created", objectType: contacts, crmId };
    default:
      return undefined;
  }
}

/**
 * HubSpot webhooks: the v3 signature over method + URL + raw body + timestamp (5-minute window,
 * constant-time compare), then the contact events as canonical changes.
 */
export function hubspotWebhookReceiver(
  config: Pick<HubspotIntegration, "doNotCall"> & { webhookSecret: string },
): WebhookReceiver {
  return {
    // A timestamp is accepted up to 5 minutes either side, so a signature must be remembered for 10.
    replayWindowMs: 2 * SIGNATURE_MAX_AGE_MS,
    receive(request: WebhookRequest, nowMs: number): WebhookVerdict {
      const signature = header(request.headers, "x-hubspot-signature-v3");
      const verdict = verifySignatureV3({
        clientSecret: config.webhookSecret,
        method: request.method,
        uri: request.url,
        rawBody: request.rawBody,
        timestamp: header(request.headers, "x-hubspot-request-timestamp"),
        signature,
        now: nowMs,
      });
      if (!verdict.ok || !signature) {
        return {
          ok: false,
          problem: "unauthorized",
          reason: `signature: ${verdict.ok ? "missing-header" : verdict.reason}`,
        };
      }
      let body: z.infer<typeof bodySchema>;
      try {
        body = bodySchema.parse(JSON.parse(request.rawBody));
      } catch {
        return { ok: false, problem: "invalid", reason: "expected a JSON array of HubSpot events" };
      }
      const events: CrmChangeEvent[] = [];
      for (const event of body) {
        const change = toChange(event, config.doNotCall);
        if (change) events.push(change);
      }
      return { ok: true, events, replayKey: signature, ignored: body.length - events.length };
    },
  };
}
