import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { InboundCallError } from "../../outcomes/inbound-call-service.js";
import { mayReadReceipt } from "../auth.js";
import type { ApiDependencies } from "../dependencies.js";
import { ApiError } from "../errors.js";
import { phoneSchema } from "../schemas.js";

/** An inbound call, as a dialer reports it. Strict, like the outcome body. */
export function inboundCallBodySchema(dispositions: readonly string[]) {
  return z.strictObject({
    direction: z.literal("inbound"),
    phone: phoneSchema.describe("the caller's number, any format; read as US when it has no country code"),
    outcomeId: z.string().min(1).max(200),
    disposition: z.string().refine((d) => dispositions.includes(d), {
      message: `unknown disposition; expected one of ${dispositions.join(", ")}`,
    }),
    startedAt: z.iso.datetime({ offset: true }),
    durationSec: z.number().int().min(0).max(86_400),
    agent: z.strictObject({ id: z.string().max(200).optional(), email: z.email().optional() }).optional(),
    notes: z.string().max(32_000).optional(),
    recordingUrl: z.url({ protocol: /^https?$/ }).optional(),
    leadKey: z
      .string()
      .min(3)
      .max(300)
      .optional()
      .describe("the record to log the call to, when the agent knows it"),
    callerName: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe("the caller's name as the agent took it: written on a lead inbound.policy create-lead makes"),
    consent: z
      .strictObject({ phone: z.literal("revoked") })
      .optional()
      .describe("the caller asked not to be called again"),
  });
}

const outcomeParams = z.strictObject({ outcomeId: z.string().min(1).max(200) });

/**
 * `POST /v1/calls`: an inbound call logged to exactly one CRM record (202; 404 `unknown_lead` /
 * `unknown_caller`; 409 `ambiguous_caller` with `candidates`, 409 `outcome_conflict`).
 * `GET /v1/outcomes/{outcomeId}`: the outcome's receipt, for the key that posted it, admin and
 * `receipts-read-all` keys (404 `outcome_not_found` for anyone else, as for an unknown id).
 */
export function registerInboundRoutes(app: FastifyInstance, deps: ApiDependencies): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { inbound, receipts, metrics } = deps;

  api.post(
    "/v1/calls",
    { schema: { body: inboundCallBodySchema(deps.config.dispositions) } },
    async (request, reply) => {
      const { consent, direction: _direction, ...call } = request.body;
      try {
        const result = await inbound.report({ ...call, ...(consent ? { optOut: true } : {}) });
        await Promise.all([
          request.principal ? receipts.postedBy(call.outcomeId, request.principal.keyName) : undefined,
          deps.notifier.watch(request.headers.authorization, call.outcomeId),
        ]);
        if (!result.duplicate) metrics.outcomes.inc({ campaign: "inbound", disposition: call.disposition });
        return reply.code(202).send({ accepted: true, outcomeId: call.outcomeId, ...result });
      } catch (error) {
        if (!(error instanceof InboundCallError)) throw error;
        if (error.candidates)
          return reply
            .code(error.status)
            .send({ error: error.code, message: error.message, candidates: error.candidates });
        throw new ApiError(error.status, error.code, error.message);
      }
    },
  );

  api.get(
    "/v1/outcomes/:outcomeId",
    { schema: { params: outcomeParams }, config: { scope: ["dialer", "receipts-read-all"] } },
    async (request) => {
      const receipt = await receipts.read(request.params.outcomeId);
      // Another key's outcome answers like an unknown one: a 403 would confirm the id exists.
      if (!receipt || !request.principal || !mayReadReceipt(request.principal, receipt.postedBy))
        throw new ApiError(
          404,
          "outcome_not_found",
          "no outcome with this id was accepted in the last 30 days",
        );
      return receipt;
    },
  );
}
