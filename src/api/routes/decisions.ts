import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ApiDependencies } from "../dependencies.js";

const leadParams = z.strictObject({ leadKey: z.string().min(3).max(300) });

/**
 * The compliance audit trail of one lead: `GET /v1/leads/{leadKey}/decisions`, the lead key
 * URL-encoded (`sf%2FLead%2F00Q…`). 200 with the decisions that held or blocked it, newest first
 * (rule id and dataset version, evidence: zone, local time, jurisdiction), also when there are none
 * but the lead is queued in a campaign (every decision so far allowed it); 404 when telesync knows
 * neither decisions nor a queued job for the key (most likely a mistyped key). Decisions are kept
 * 30 days after the last one, about 50 per lead. `consent` lists the lead's consent ledger (and its
 * numbers'), newest first, with provenance (key name, source, evidence): kept for good. Admin keys.
 */
export function registerDecisionRoutes(app: FastifyInstance, deps: ApiDependencies): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { decisions: decisionLog } = deps;

  api.get("/v1/leads/:leadKey/decisions", { schema: { params: leadParams } }, async (request, reply) => {
    const { leadKey } = request.params;
    const [decisions, known] = await Promise.all([
      decisionLog.read(leadKey),
      deps.consent.leads.find(leadKey),
    ]);
    const consent = await deps.consent.ledger.read(leadKey, known?.phones ?? []);
    if (decisions.length === 0 && consent.length === 0 && !known) {
      return reply.code(404).send({
        error: "not_found",
        message: `no decisions, no consent record and no queued job for lead "${leadKey}"`,
      });
    }
    return { leadKey, decisions, consent };
  });
}
