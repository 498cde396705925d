import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { SalesforceSandbox } from "./sandbox.js";

const seedBody = z.object({
  count: z.number().int().positive().max(1_000_000),
  campaignId: z.string().optional(),
  memberStatus: z.string().optional(),
  status: z.string().optional(),
  modstamp: z.iso.datetime({ offset: true }).optional(),
  seed: z.number().int().optional(),
  missingPhoneRate: z.number().min(0).max(1).optional(),
  invalidPhoneRate: z.number().min(0).max(1).optional(),
  doNotCallRate: z.number().min(0).max(1).optional(),
});
const recordsParams = z.object({ type: z.string() });
const recordsQuery = z.object({ limit: z.coerce.number().int().positive().default(100) });

/**
 * A small JSON control API for the CLI and other processes: seed, stats, records, token expiry.
 * Faults go through the vendor-neutral `POST /_sandbox/faults` in server.ts.
 */
export function salesforceControlRoutes(app: FastifyInstance, sandbox: SalesforceSandbox): void {
  app.post("/_sandbox/salesforce/seed", async (request) => {
    const { modstamp, campaignId, ...rest } = seedBody.parse(request.body);
    const campaign = campaignId ? sandbox.createCampaign(campaignId) : undefined;
    const ids = sandbox.seedLeads(rest.count, {
      ...rest,
      ...(campaign ? { campaignId: campaign } : {}),
      ...(modstamp ? { modstamp: new Date(modstamp) } : {}),
    });
    return {
      count: ids.length,
      firstId: ids[0] ?? null,
      lastId: ids.at(-1) ?? null,
      campaignId: campaign ?? null,
    };
  });

  app.get("/_sandbox/salesforce/stats", async () => sandbox.stats());

  app.delete("/_sandbox/salesforce/stats", async (_request, reply) => {
    sandbox.resetStats();
    return reply.code(204).send();
  });

  app.get("/_sandbox/salesforce/records/:type", async (request) => {
    const { type } = recordsParams.parse(request.params);
    const { limit } = recordsQuery.parse(request.query);
    const all = sandbox.all(type);
    return { totalSize: all.length, records: all.slice(0, limit) };
  });

  app.post("/_sandbox/salesforce/expire-tokens", async (_request, reply) => {
    sandbox.expireTokens();
    return reply.code(204).send();
  });
}
