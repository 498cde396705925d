import { createHash } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { CrmConnector } from "../../../connectors/types.js";
import type { TelesyncConfig } from "../../config/schema.js";
import type { ConsentService } from "../../consent/consent-service.js";
import type { Logger } from "../../observability/logger.js";
import type { Redis } from "../../queues/connection.js";
import type { DialQueueRegistry } from "../../queues/dial-queue-registry.js";
import { redisKeys } from "../../queues/keys.js";
import { applyCrmChanges } from "../../sync/crm-changes.js";
import type { SyncRecordsResult } from "../../sync/sync-records.js";
import type { SyncTrigger } from "../../sync/trigger.js";

type WebhookRoute = FastifyRequest<{ Params: { integration: string; vendor?: string } }>;

/**
 * `POST /webhooks/{integration}`: CRM-side changes for one integration. The integration's connector
 * verifies the delivery (signature, age) and turns it into canonical change events; a delivery seen
 * before is refused, so a captured request cannot be replayed; then the events are applied here.
 * `POST /webhooks/{vendor}/{integration}` (e.g. `/webhooks/hubspot/<id>`) is the same route, kept for
 * the URLs configured before the generic one existed.
 */
export interface WebhookHost {
  config: TelesyncConfig;
  redis: Redis;
  prefix: string;
  log: Logger;
  now(): Date;
  connector(integrationId: string): CrmConnector;
  dialQueues: Pick<DialQueueRegistry, "removeLead">;
  syncRecords(sourceId: string, objectType: string, crmIds: string[]): Promise<SyncRecordsResult>;
}

export function webhookRoutes(deps: {
  telesync: WebhookHost;
  consent: Pick<ConsentService, "apply">;
  trigger: Pick<SyncTrigger, "trigger">;
}): (app: FastifyInstance) => Promise<void> {
  const { telesync, consent, trigger } = deps;

  async function receive(request: WebhookRoute, reply: FastifyReply) {
    const integrationId = request.params.integration;
    const notHere = () =>
      reply.code(404).send({ error: "not_found", message: "no integration here that receives webhooks" });
    if (!Object.hasOwn(telesync.config.integrations, integrationId)) return notHere();
    const connector = telesync.connector(integrationId);
    const receiver = connector.webhooks;
    if (!receiver || (request.params.vendor !== undefined && request.params.vendor !== connector.vendor)) {
      return notHere();
    }
    const publicUrl = telesync.config.api.publicUrl ?? `${request.protocol}://${request.host}`;
    const verdict = receiver.receive(
      {
        method: request.method,
        url: `${publicUrl.replace(/\/$/, "")}${request.url}`,
        headers: request.headers,
        rawBody: typeof request.body === "string" ? request.body : "",
      },
      telesync.now().getTime(),
    );
    if (!verdict.ok) {
      return verdict.problem === "unauthorized"
        ? reply.code(401).send({ error: "unauthorized", message: verdict.reason })
        : reply.code(400).send({ error: "invalid_request", message: verdict.reason });
    }
    const digest = createHash("sha256").update(verdict.replayKey).digest("hex");
    const seenKey = redisKeys(telesync.prefix).webhookSeen(integrationId, digest);
    if ((await telesync.redis.set(seenKey, "1", "PX", receiver.replayWindowMs, "NX")) !== "OK") {
      return reply.code(401).send({ error: "unauthorized", message: "signature: replayed request" });
    }
    const effects = await applyCrmChanges(verdict.events, {
      integrationId,
      sourceIds: telesync.config.sources.filter((s) => s.integration === integrationId).map((s) => s.id),
      removeLead: (leadKey) => telesync.dialQueues.removeLead(leadKey),
      optOut: async (leadKey) => {
        await consent.apply({ leadKey, status: "opted_out", source: "crm" }, { writeToCrm: false });
      },
      syncRecords: (sourceId, objectType, crmIds) =>
        telesync.syncRecords(sourceId, objectType, crmIds).catch((error: unknown) => {
          telesync.log.warn(
            { err: error, source: sourceId },
            "webhook re-read failed; the source syncs instead",
          );
          throw error;
        }),
      triggerSync: (sourceId) => trigger.trigger(sourceId),
    });
    return reply.code(200).send({ received: verdict.events.length + verdict.ignored, ...effects });
  }

  return async (app) => {
    await app.register(async (scope) => {
      // Signatures cover the raw bytes, whatever the content type: keep them as they came.
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser("*", { parseAs: "string" }, (_request, body, done) => done(null, body));
      scope.post("/webhooks/:integration", receive);
      scope.post("/webhooks/:vendor/:integration", receive);
    });
  };
}
