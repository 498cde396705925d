import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { ownEntry } from "../../config/lookup.js";
import { AuthPause } from "../../writeback/auth-pause.js";
import { CircuitBreaker } from "../../writeback/circuit-breaker.js";
import { readWritebackStatus } from "../../writeback/writeback-status.js";
import { mayUseCampaign } from "../auth.js";
import type { ApiDependencies } from "../dependencies.js";
import { checkHealth } from "../health.js";
import { campaignParams } from "../schemas.js";

/** Campaign stats are what dialers show their agents: the dialer scope reads them (own campaigns). */
const statsRoute = { schema: { params: campaignParams }, config: { scope: "dialer" as const } };

/** What operators look at: campaign stats, sync history, dead letters, health, metrics. */
export function registerOpsRoutes(app: FastifyInstance, deps: ApiDependencies): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { config, dialQueues, outcomes, metrics, deadLetters, intake } = deps;

  api.get("/v1/campaigns/:campaign/stats", statsRoute, async (request, reply) => {
    const { campaign } = request.params;
    const policy = ownEntry(config.campaigns, campaign);
    if (!policy) {
      return reply.code(404).send({ error: "campaign_not_found", message: `unknown campaign "${campaign}"` });
    }
    if (request.principal && !mayUseCampaign(request.principal, campaign)) {
      const message = `key "${request.principal.keyName}" may not read "${campaign}"`;
      return reply.code(403).send({ error: "campaign_not_allowed", message });
    }
    const counts = await dialQueues
      .get(campaign)
      .queue.getJobCounts("waiting", "prioritized", "delayed", "active", "completed", "failed");
    const { threshold, rate, previewOnly, abandoned, liveAnswered } = await deps.abandonment.status(
      campaign,
      policy.compliance.abandonmentThreshold,
      deps.now(),
    );
    return {
      campaign,
      waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
      delayed: counts.delayed ?? 0,
      leased: counts.active ?? 0,
      finished: counts.completed ?? 0,
      outcomesByDisposition: await outcomes.dispositionCounts(campaign),
      complianceFlags: flagsSummary(await outcomes.flaggedOutcomes(campaign)),
      /** Rolling 30 days; at or above the threshold every lease says `previewOnly: true`. */
      abandonment: {
        rate,
        threshold,
        previewOnly,
        abandoned,
        liveAnswered,
        ...(previewOnly
          ? {
              warning: `abandonment rate ${(rate * 100).toFixed(2)}% over 30 days is at or above the ${(threshold * 100).toFixed(2)}% threshold: leases are preview-only (legal limit 3%)`,
            }
          : {}),
      },
    };
  });

  api.get(
    "/v1/sources/:source/runs",
    { schema: { params: z.strictObject({ source: z.string().max(64) }) } },
    async (request, reply) => {
      const { source } = request.params;
      if (!config.sources.some((s) => s.id === source)) {
        return reply.code(404).send({ error: "source_not_found", message: `unknown source "${source}"` });
      }
      return { source, runs: await deps.syncHistory(source, 50) };
    },
  );

  api.post(
    "/v1/sources/:source/sync",
    { schema: { params: z.strictObject({ source: z.string().max(64) }) } },
    async (request, reply) => {
      const { source } = request.params;
      if (!config.sources.some((s) => s.id === source)) {
        return reply.code(404).send({ error: "source_not_found", message: `unknown source "${source}"` });
      }
      // For CRM-side automation (a Salesforce Flow or Outbound Message relay): sync this source now.
      await deps.trigger.trigger(source);
      return reply.code(202).send({ accepted: true, source });
    },
  );

  api.get("/v1/dead-letters", async () => ({
    count: await deadLetters.count(),
    entries: await deadLetters.list(0, 99),
  }));

  api.get("/healthz", async (_request, reply) => {
    const report = await checkHealth(deps, intake, deps.health);
    return reply.code(report.status === "unhealthy" ? 503 : 200).send(report);
  });

  api.get("/metrics", async (_request, reply) => {
    for (const campaign of dialQueues.campaigns) {
      const counts = await dialQueues.get(campaign).queue.getJobCounts("waiting", "delayed", "active");
      for (const [state, n] of Object.entries(counts))
        metrics.queueJobs.set({ queue: `dial-${campaign}`, state }, n);
    }
    for (const integration of Object.keys(config.integrations)) {
      const breaker = new CircuitBreaker(deps.redis, deps.prefix, integration);
      metrics.writeback(
        integration,
        await readWritebackStatus(
          intake.queue(integration),
          breaker,
          deps.redis,
          undefined,
          new AuthPause(deps.redis, deps.prefix, integration),
        ),
      );
    }
    return reply.header("content-type", metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}

/** Flagged outcomes: counted, and said loudly while there are any. */
function flagsSummary(counts: Partial<Record<"startedAfterNotAfter", number>>) {
  const startedAfterNotAfter = counts.startedAfterNotAfter ?? 0;
  return {
    startedAfterNotAfter,
    ...(startedAfterNotAfter > 0
      ? {
          warning: `${startedAfterNotAfter} outcome(s) of calls started after the lease's notAfter (calling window closed): written to the CRM with a COMPLIANCE line; see the leads' decision logs`,
        }
      : {}),
  };
}
