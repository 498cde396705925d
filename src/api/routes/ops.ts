import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { CircuitBreaker } from "../../writeback/circuit-breaker.js";
import { readWritebackStatus } from "../../writeback/writeback-status.js";
import { checkHealth } from "../health.js";
import { campaignParams } from "../schemas.js";
import type { ApiDependencies } from "../server.js";

/** What operators look at: campaign stats, sync history, dead letters, health, metrics. */
export function registerOpsRoutes(app: FastifyInstance, deps: ApiDependencies): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { telesync, leases, metrics, deadLetters, intake } = deps;

  api.get("/v1/campaigns/:campaign/stats", { schema: { params: campaignParams } }, async (request, reply) => {
    const { campaign } = request.params;
    const config = telesync.config.campaigns[campaign];
    if (!config) {
      return reply.code(404).send({ error: "not_found", message: `unknown campaign "${campaign}"` });
    }
    const counts = await telesync
      .dialQueue(campaign)
      .queue.getJobCounts("waiting", "prioritized", "delayed", "active", "completed", "failed");
    const { threshold, rate, previewOnly, abandoned, liveAnswered } =
      await telesync.compliance.abandonment.status(
        campaign,
        config.compliance.abandonmentThreshold,
        telesync.now(),
      );
    return {
      campaign,
      waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
      delayed: counts.delayed ?? 0,
      leased: counts.active ?? 0,
      finished: counts.completed ?? 0,
      outcomesByDisposition: await leases.dispositionCounts(campaign),
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
      if (!telesync.config.sources.some((s) => s.id === source)) {
        return reply.code(404).send({ error: "not_found", message: `unknown source "${source}"` });
      }
      return { source, runs: await telesync.syncState(source).history(50) };
    },
  );

  api.post(
    "/v1/sources/:source/sync",
    { schema: { params: z.strictObject({ source: z.string().max(64) }) } },
    async (request, reply) => {
      const { source } = request.params;
      if (!telesync.config.sources.some((s) => s.id === source)) {
        return reply.code(404).send({ error: "not_found", message: `unknown source "${source}"` });
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
    const report = await checkHealth(telesync, intake, deps.health);
    return reply.code(report.status === "unhealthy" ? 503 : 200).send(report);
  });

  api.get("/metrics", async (_request, reply) => {
    for (const campaign of Object.keys(telesync.config.campaigns)) {
      const counts = await telesync.dialQueue(campaign).queue.getJobCounts("waiting", "delayed", "active");
      for (const [state, n] of Object.entries(counts))
        metrics.queueJobs.set({ queue: `dial-${campaign}`, state }, n);
    }
    for (const integration of Object.keys(telesync.config.integrations)) {
      const breaker = new CircuitBreaker(telesync.redis, telesync.prefix, integration);
      metrics.writeback(
        integration,
        await readWritebackStatus(intake.queue(integration), breaker, telesync.redis),
      );
    }
    return reply.header("content-type", metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}
