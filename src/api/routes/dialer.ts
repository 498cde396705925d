import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { ownEntry } from "../../config/lookup.js";
import { decodeLeaseId } from "../../dialer/lease-id.js";
import { mayUseCampaign, type Principal } from "../auth.js";
import { authorizeConsent } from "../consent-authority.js";
import type { ApiDependencies } from "../dependencies.js";
import { errorBodySchema } from "../errors.js";
import {
  campaignParams,
  consentBodySchema,
  leaseBodySchema,
  leaseParams,
  outcomeBodySchema,
} from "../schemas.js";
import { answersProblem } from "./answers.js";
import { noLeadHeaderValues, noLeadResponse } from "./no-lead.js";

const dialer = { scope: "dialer" } as const;

const leaseCampaign = (leaseId: string) => decodeLeaseId(leaseId)?.campaign;

/**
 * 403 when a campaign-restricted key uses a lease of another campaign (unknown ids: the service's
 * 404). `campaign`: the lease id's, decoded once by the route.
 */
function refuseForeignLease(
  principal: Principal | undefined,
  campaign: string | undefined,
): string | undefined {
  if (principal && campaign !== undefined && !mayUseCampaign(principal, campaign)) {
    return `key "${principal.keyName}" may not use leases of campaign "${campaign}"`;
  }
  return undefined;
}

/** Leasing, outcomes and consent: what a dialer calls (the `dialer` scope). */
export function registerDialerRoutes(app: FastifyInstance, deps: ApiDependencies): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { leases, outcomes, metrics } = deps;
  const forbidden = (message: string) => ({ error: "campaign_not_allowed", message });

  api.post(
    "/v1/campaigns/:campaign/leases",
    {
      schema: {
        params: campaignParams,
        response: {
          200: leaseBodySchema,
          204: noLeadResponse,
          403: errorBodySchema,
          404: errorBodySchema,
        },
      },
      config: dialer,
    },
    async (request, reply) => {
      const { campaign } = request.params;
      if (!ownEntry(deps.config.campaigns, campaign)) {
        return reply
          .code(404)
          .send({ error: "campaign_not_found", message: `unknown campaign "${campaign}"` });
      }
      if (request.principal && !mayUseCampaign(request.principal, campaign)) {
        return reply
          .code(403)
          .send(forbidden(`key "${request.principal.keyName}" may not lease in "${campaign}"`));
      }
      // performance.now() rather than startTimer(): no closure, label copy and hrtime pair per lease.
      const started = performance.now();
      const lease = await leases.lease(campaign);
      metrics.leaseLatency.observe({ campaign }, (performance.now() - started) / 1000);
      metrics.leases.inc({ campaign, result: lease ? "leased" : "empty" });
      if (!lease) {
        const now = deps.now();
        const next = await deps.nextCallable?.next(campaign, now);
        return reply.code(204).headers(noLeadHeaderValues(next, now)).send(null);
      }
      return reply.code(200).send(lease);
    },
  );

  api.post(
    "/v1/leases/:leaseId/extend",
    { schema: { params: leaseParams }, config: dialer },
    async (request, reply) => {
      const refused = refuseForeignLease(request.principal, leaseCampaign(request.params.leaseId));
      if (refused) return reply.code(403).send(forbidden(refused));
      return leases.extend(request.params.leaseId);
    },
  );

  api.post(
    "/v1/leases/:leaseId/release",
    { schema: { params: leaseParams }, config: dialer },
    async (request, reply) => {
      const refused = refuseForeignLease(request.principal, leaseCampaign(request.params.leaseId));
      if (refused) return reply.code(403).send(forbidden(refused));
      await leases.release(request.params.leaseId);
      return reply.code(204).send();
    },
  );

  api.post(
    "/v1/leases/:leaseId/outcome",
    {
      schema: { params: leaseParams, body: outcomeBodySchema(deps.config.dispositions) },
      config: dialer,
    },
    async (request, reply) => {
      const campaign = leaseCampaign(request.params.leaseId);
      const refused = refuseForeignLease(request.principal, campaign);
      if (refused) return reply.code(403).send(forbidden(refused));
      const { consent, ...body } = request.body;
      const problem = answersProblem(deps.config, request.params.leaseId, body.answers);
      if (problem) throw problem;
      const { keyName } = request.principal as Principal;
      const result = await outcomes.report(
        request.params.leaseId,
        { ...body, ...(consent ? { consentRevoked: true } : {}) },
        { postedBy: keyName },
      );
      // Who may read the receipt (unless the acceptance step kept it), and who is told when it is
      // final: independent, so side by side.
      await Promise.all([
        result.postedByRecorded ? undefined : deps.receipts.postedBy(body.outcomeId, keyName),
        deps.notifier.watch(request.headers.authorization, body.outcomeId),
      ]);
      if (!result.duplicate)
        metrics.outcomes.inc({ campaign: campaign ?? "unknown", disposition: body.disposition });
      return reply.code(202).send({ accepted: true, duplicate: result.duplicate, outcomeId: body.outcomeId });
    },
  );

  api.post("/v1/consent", { schema: { body: consentBodySchema }, config: dialer }, async (request, reply) => {
    const principal = request.principal as Principal;
    await authorizeConsent(principal, request.body, deps.consent.leads);
    const effect = await deps.consent.apply({ ...request.body, actor: principal.keyName });
    metrics.consent.inc({ status: request.body.status });
    return reply.code(202).send({ accepted: true, ...effect, phones: effect.phones.length });
  });
}
