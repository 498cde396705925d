import type { Metrics } from "../observability/metrics.js";
import { AuthPause } from "../writeback/auth-pause.js";
import { CircuitBreaker } from "../writeback/circuit-breaker.js";
import { readWritebackStatus } from "../writeback/writeback-status.js";
import type { ApiDependencies } from "./dependencies.js";

/** Sync runs read per source to find the newest completed one. */
const runsRead = 20;

type MetricsHost = Pick<
  ApiDependencies,
  | "config"
  | "dialQueues"
  | "syncHistory"
  | "connector"
  | "intake"
  | "deadLetters"
  | "redis"
  | "prefix"
  | "now"
> & { metrics: Metrics };

/**
 * The gauges `/metrics` shows of state shared by every process (Redis): campaign queues, sync
 * history, writeback backlog and breaker, rate budgets, dead letters. Read on scrape, so any API
 * instance reports the same values; counters and histograms are this process's own.
 */
export async function refreshMetrics(deps: MetricsHost): Promise<void> {
  const { metrics, config } = deps;
  const now = deps.now().getTime();
  for (const campaign of deps.dialQueues.campaigns) {
    const counts = await deps.dialQueues
      .get(campaign)
      .queue.getJobCounts("waiting", "prioritized", "delayed", "active");
    for (const state of ["waiting", "delayed", "active"] as const)
      metrics.queueJobs.set({ queue: `dial-${campaign}`, state }, counts[state] ?? 0);
    metrics.campaignLeads.set(
      { campaign, state: "waiting" },
      (counts.waiting ?? 0) + (counts.prioritized ?? 0),
    );
    metrics.campaignLeads.set({ campaign, state: "held" }, counts.delayed ?? 0);
    metrics.campaignLeads.set({ campaign, state: "leased" }, counts.active ?? 0);
  }
  for (const source of config.sources) {
    const runs = await deps.syncHistory(source.id, runsRead);
    const newest = runs[0];
    if (newest) {
      metrics.syncLastFailed.set(
        { source: source.id },
        newest.outcome === "failed" || newest.outcome === "interrupted" ? 1 : 0,
      );
    }
    const completed = runs.find((run) => run.outcome === "completed");
    if (completed) {
      metrics.syncLastSuccess.set({ source: source.id }, Date.parse(completed.finishedAt) / 1000);
      metrics.syncLag.set({ source: source.id }, Math.max(0, (now - Date.parse(completed.startedAt)) / 1000));
    }
  }
  for (const integration of Object.keys(config.integrations)) {
    const breaker = new CircuitBreaker(deps.redis, deps.prefix, integration);
    metrics.writeback(
      integration,
      await readWritebackStatus(
        deps.intake.queue(integration),
        breaker,
        deps.redis,
        undefined,
        new AuthPause(deps.redis, deps.prefix, integration),
        deps.intake.outboxKey(integration),
      ),
    );
    for (const budget of (await deps.connector(integration).rateBudget?.()) ?? []) {
      metrics.rateBudgetRemaining.set({ integration, window: budget.window }, budget.remaining);
      metrics.rateBudgetLimit.set({ integration, window: budget.window }, budget.limit);
    }
  }
  metrics.deadLetters.set(await deps.deadLetters.count());
}
