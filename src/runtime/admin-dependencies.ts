import type { AdminPluginDependencies } from "../admin/plugin.js";
import { ApiKeyStore, isAdmin } from "../api/auth.js";
import { DispositionStats } from "../outcomes/disposition-stats.js";
import type { TelesyncService } from "./service.js";
import type { Telesync } from "./telesync.js";

/** What the admin page reads and may change, from the running service's parts. */
export function adminDependencies(
  telesync: Telesync,
  service: Pick<TelesyncService, "intake" | "trigger" | "outcomes" | "deadLetters" | "replayDeadLetter">,
): AdminPluginDependencies {
  const keys = new ApiKeyStore(telesync.config.api.keys);
  const stats = new DispositionStats(telesync.redis, telesync.prefix);
  return {
    config: telesync.config,
    redis: telesync.redis,
    prefix: telesync.prefix,
    now: () => telesync.now(),
    dialQueue: (campaign) => telesync.dialQueues.get(campaign).queue,
    heldUntil: (campaign, jobIds) => telesync.dialQueues.get(campaign).heldUntil(jobIds),
    writebackQueue: (integration) => service.intake.queue(integration),
    connector: (integration) => telesync.connector(integration),
    syncRuns: (sourceId, limit) => telesync.syncState(sourceId).history(limit),
    triggerSync: (sourceId) => service.trigger.trigger(sourceId),
    decide: (leads, campaign, now) => telesync.compliance.decide(leads, campaign, now),
    decisions: (leadKey) => telesync.compliance.decisions.read(leadKey),
    dispositionCounts: (campaign) => service.outcomes.dispositionCounts(campaign),
    outcomeSeries: (campaign, unit, end, count) => stats.series(campaign, unit, end, count),
    deadLetters: {
      list: (start, end) => service.deadLetters.list(start, end),
      count: () => service.deadLetters.count(),
      replay: (id) => service.replayDeadLetter(id),
      discard: (id) => service.deadLetters.discard(id),
    },
    adminKeyName: (key) => {
      const principal = keys.authenticate(`Bearer ${key}`);
      return principal && isAdmin(principal) ? principal.keyName : undefined;
    },
    queues: () => [
      ...Object.keys(telesync.config.campaigns).map((c) => telesync.dialQueues.get(c).queue),
      ...Object.keys(telesync.config.integrations).map((i) => service.intake.queue(i)),
      service.deadLetters.queue,
    ],
  };
}
