import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { decodeLeaseId } from "../../dialer/lease-id.js";
import type { ApiDependencies } from "../dependencies.js";
import { campaignParams, consentBodySchema, leaseParams, outcomeBodySchema } from "../schemas.js";

/** Leasing, outcomes and consent: what a dialer calls. */
export function registerDialerRoutes(app: FastifyInstance, deps: ApiDependencies): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { leases, outcomes, metrics } = deps;

  api.post(
    "/v1/campaigns/:campaign/leases",
    { schema: { params: campaignParams } },
    async (request, reply) => {
      const { campaign } = request.params;
      const timer = metrics.leaseLatency.startTimer({ campaign });
      const lease = await leases.lease(campaign);
      timer();
      metrics.leases.inc({ campaign, result: lease ? "leased" : "empty" });
      if (!lease) return reply.code(204).send();
      return reply.code(200).send(lease);
    },
  );

  api.post("/v1/leases/:leaseId/extend", { schema: { params: leaseParams } }, async (request) =>
    leases.extend(request.params.leaseId),
  );

  api.post("/v1/leases/:leaseId/release", { schema: { params: leaseParams } }, async (request, reply) => {
    await leases.release(request.params.leaseId);
    return reply.code(204).send();
  });

  api.post(
    "/v1/leases/:leaseId/outcome",
    { schema: { params: leaseParams, body: outcomeBodySchema(deps.config.dispositions) } },
    async (request, reply) => {
      const { consent, ...body } = request.body;
      const result = await outcomes.report(request.params.leaseId, {
        ...body,
        ...(consent ? { consentRevoked: true } : {}),
      });
      await deps.notifier.watch(request.headers.authorization, body.outcomeId);
      if (!result.duplicate) {
        const campaign = decodeLeaseId(request.params.leaseId)?.campaign ?? "unknown";
        metrics.outcomes.inc({ campaign, disposition: body.disposition });
      }
      return reply.code(202).send({ accepted: true, duplicate: result.duplicate, outcomeId: body.outcomeId });
    },
  );

  api.post("/v1/consent", { schema: { body: consentBodySchema } }, async (request, reply) => {
    const effect = await deps.consent.apply(request.body);
    metrics.consent.inc({ status: request.body.status });
    return reply.code(202).send({ accepted: true, ...effect, phones: effect.phones.length });
  });
}
