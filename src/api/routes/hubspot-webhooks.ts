import { createHash } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { verifySignatureV3 } from "../../../connectors/hubspot/webhook-signature.js";
import { ownEntry } from "../../config/lookup.js";
import type { ConsentService } from "../../consent/consent-service.js";
import { leadKey } from "../../model/lead.js";
import type { Telesync } from "../../runtime/telesync.js";
import type { SyncTrigger } from "../../sync/trigger.js";

/** HubSpot webhook events we act on (others are acknowledged and ignored). */
const eventSchema = z.looseObject({
  subscriptionType: z.string(),
  objectId: z.union([z.number(), z.string()]).transform(String),
  propertyName: z.string().optional(),
  propertyValue: z.string().optional(),
  mergedObjectIds: z.array(z.union([z.number(), z.string()]).transform(String)).optional(),
  occurredAt: z.number().optional(),
});
const bodySchema = z.array(eventSchema).max(1_000);

const replayWindowSeconds = 600;

export interface WebhookEffects {
  suppressed: number;
  removed: number;
  syncsTriggered: number;
}

/**
 * `POST /webhooks/hubspot/{integration}`: contact property changes, deletions and merges. The v3
 * signature is checked over the raw body (5-minute window, constant time), and a signature seen
 * before is refused, so a captured request cannot be replayed.
 */
export function hubspotWebhookRoutes(deps: {
  telesync: Telesync;
  consent: ConsentService;
  trigger: SyncTrigger;
}): (app: FastifyInstance) => Promise<void> {
  const { telesync, consent, trigger } = deps;
  return async (app) => {
    await app.register(async (scope) => {
      // The signature covers the raw bytes: keep them as they came.
      scope.removeContentTypeParser("application/json");
      scope.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) =>
        done(null, body),
      );
      scope.post<{ Params: { integration: string } }>(
        "/webhooks/hubspot/:integration",
        async (request, reply) => {
          const integrationId = request.params.integration;
          const integration = ownEntry(telesync.config.integrations, integrationId);
          if (integration?.vendor !== "hubspot" || !integration.webhookSecret) {
            return reply
              .code(404)
              .send({ error: "not_found", message: "no HubSpot integration with a webhookSecret here" });
          }
          const rawBody = typeof request.body === "string" ? request.body : "";
          const publicUrl = telesync.config.api.publicUrl ?? `${request.protocol}://${request.host}`;
          const signature = request.headers["x-hubspot-signature-v3"] as string | undefined;
          const verdict = verifySignatureV3({
            clientSecret: integration.webhookSecret,
            method: request.method,
            uri: `${publicUrl}${request.url}`,
            rawBody,
            timestamp: request.headers["x-hubspot-request-timestamp"] as string | undefined,
            signature,
          });
          if (!verdict.ok)
            return reply.code(401).send({ error: "unauthorized", message: `signature: ${verdict.reason}` });
          const seenKey = `${telesync.prefix}:webhook-seen:${createHash("sha256")
            .update(signature ?? "")
            .digest("hex")}`;
          if ((await telesync.redis.set(seenKey, "1", "EX", replayWindowSeconds, "NX")) !== "OK") {
            return reply.code(401).send({ error: "unauthorized", message: "signature: replayed request" });
          }
          let events: z.infer<typeof bodySchema>;
          try {
            events = bodySchema.parse(JSON.parse(rawBody));
          } catch {
            return reply
              .code(400)
              .send({ error: "invalid_request", message: "expected a JSON array of HubSpot events" });
          }
          const effects = await applyEvents(events, integrationId, integration.doNotCall, {
            telesync,
            consent,
            trigger,
          });
          return reply.code(200).send({ received: events.length, ...effects });
        },
      );
    });
  };
}

async function applyEvents(
  events: z.infer<typeof bodySchema>,
  integrationId: string,
  doNotCall: { property: string; value: string },
  deps: { telesync: Telesync; consent: ConsentService; trigger: SyncTrigger },
): Promise<WebhookEffects> {
  const effects: WebhookEffects = { suppressed: 0, removed: 0, syncsTriggered: 0 };
  let resync = false;
  for (const event of events) {
    const key = leadKey(integrationId, "contacts", event.objectId);
    switch (event.subscriptionType) {
      case "contact.propertyChange":
        if (event.propertyName === doNotCall.property && event.propertyValue === doNotCall.value) {
          // The CRM already says do-not-call: suppress here at once, nothing to write back.
          await deps.consent.apply(
            { leadKey: key, status: "opted_out", source: "crm", actor: `webhook:${integrationId}` },
            { writeToCrm: false },
          );
          effects.suppressed++;
        } else {
          // Opt-ins and field edits go through the next sync, which maps them like any other change.
          resync = true;
        }
        break;
      case "contact.deletion":
        effects.removed += await deps.telesync.removeLead(key);
        break;
      case "contact.merge":
        for (const merged of event.mergedObjectIds ?? []) {
          if (merged !== event.objectId)
            effects.removed += await deps.telesync.removeLead(leadKey(integrationId, "contacts", merged));
        }
        resync = true;
        break;
      case "contact.creation":
        resync = true;
        break;
    }
  }
  if (resync) effects.syncsTriggered = (await deps.trigger.triggerIntegration(integrationId)).length;
  return effects;
}
