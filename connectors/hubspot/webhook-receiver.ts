import { z } from "zod";
import type { CrmChangeEvent, WebhookReceiver, WebhookRequest, WebhookVerdict } from "../types.js";
import type { HubspotIntegration } from "./config.js";
import { SIGNATURE_MAX_AGE_MS, verifySignatureV3 } from "./webhook-signature.js";
import { doNotCallOf } from "./write-records.js";

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
  /** Generic `object.*` events: the object's type id (`0-1` contacts, `0-2` companies, `2-…` custom). */
  objectTypeId: z.string().optional(),
});
/** HubSpot sends at most 100 events per request; 1,000 leaves room without inviting abuse. */
const bodySchema = z.array(eventSchema).max(1_000);

/** Legacy subscription prefixes (`contact.propertyChange`, `company.deletion`…) and their objects. */
const legacyPrefixes: Record<string, string> = { contact: "contacts", company: "companies" };

export interface WebhookObjects {
  doNotCall: HubspotIntegration["doNotCall"];
  objects: HubspotIntegration["objects"];
  /** The configured object name a generic event's `objectTypeId` means; undefined when none. */
  objectNameOf?: (typeId: string) => string | undefined;
}

function header(headers: WebhookRequest["headers"], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Which object an event is about and what happened: `contact.deletion` or `object.deletion` + type id. */
function subjectOf(
  event: z.infer<typeof eventSchema>,
  objects: WebhookObjects,
): { objectType: string; action: string } | undefined {
  const dot = event.subscriptionType.indexOf(".");
  const prefix = event.subscriptionType.slice(0, dot);
  const action = event.subscriptionType.slice(dot + 1);
  if (prefix === "object") {
    // Generic webhooks (HubSpot changelog, "Generic Webhook Subscriptions"): the type id says which object.
    const typeId = event.objectTypeId;
    const name =
      typeId === "0-1"
        ? "contacts"
        : typeId === "0-2"
          ? "companies"
          : typeId === undefined
            ? undefined
            : objects.objectNameOf?.(typeId);
    return name ? { objectType: name, action } : undefined;
  }
  const objectType = legacyPrefixes[prefix];
  return objectType ? { objectType, action } : undefined;
}

/** One HubSpot record event → the core's change event; `undefined` for events we do not act on. */
function toChange(event: z.infer<typeof eventSchema>, objects: WebhookObjects): CrmChangeEvent | undefined {
  const crmId = event.objectId;
  const subject = subjectOf(event, objects);
  if (!subject) return undefined;
  const { objectType } = subject;
  const doNotCall = doNotCallOf(objects, objectType);
  switch (subject.action) {
    case "propertyChange":
      if (doNotCall && event.propertyName === doNotCall.property) {
        return {
          kind: "consent",
          objectType,
          crmId,
          doNotCall: event.propertyValue === doNotCall.value,
        };
      }
      return { kind: "changed", objectType, crmId };
    case "deletion":
    case "privacyDeletion":
      return { kind: "deleted", objectType, crmId };
    case "merge": {
      // The merge may produce a new record: then every id before it is gone.
      // https://developers.hubspot.com/changelog/new-subscription-types-for-webhooks
      const survivorId = event.newObjectId ?? event.primaryObjectId ?? crmId;
      const before = [...(event.mergedObjectIds ?? []), event.primaryObjectId, crmId];
      const mergedIds = [...new Set(before)].filter(
        (id): id is string => id !== undefined && id !== survivorId,
      );
      return { kind: "merged", objectType, survivorId, mergedIds };
    }
    case "creation":
    case "restore":
      return { kind: "created", objectType, crmId };
    default:
      return undefined;
  }
}

/**
 * HubSpot webhooks: the v3 signature over method + URL + raw body + timestamp (5-minute window,
 * constant-time compare), then the events of contacts (`contact.*`), companies (`company.*`) and,
 * through generic `object.*` events with `objectTypeId`, of any configured source object, as
 * canonical changes.
 */
export function hubspotWebhookReceiver(
  config: Pick<HubspotIntegration, "doNotCall"> &
    Partial<Pick<HubspotIntegration, "objects">> & {
      webhookSecret: string;
      objectNameOf?: (typeId: string) => string | undefined;
    },
): WebhookReceiver {
  const objects: WebhookObjects = {
    doNotCall: config.doNotCall,
    objects: config.objects ?? {},
    ...(config.objectNameOf ? { objectNameOf: config.objectNameOf } : {}),
  };
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
        const change = toChange(event, objects);
        if (change) events.push(change);
      }
      return { ok: true, events, replayKey: signature, ignored: body.length - events.length };
    },
  };
}
