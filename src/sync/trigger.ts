import { Queue } from "bullmq";
import type { SourceConfig } from "../config/schema.js";
import type { Redis } from "../queues/connection.js";
import { ignoreReconnectErrors } from "../queues/connection.js";
import { redisKeys } from "../queues/keys.js";
import { queueNames } from "../queues/names.js";

export interface SyncTriggerDependencies {
  redis: Redis;
  prefix: string;
  /** The configured sources: a trigger for any other id is refused. */
  sources: readonly Pick<SourceConfig, "id" | "integration">[];
}

/**
 * Ask the workers to sync a source now (a CRM event said something changed). Bursts of events
 * collapse into one run per source within `debounceMs`.
 */
export class SyncTrigger {
  private readonly queue: Queue<{ sourceId: string }>;

  constructor(private readonly deps: SyncTriggerDependencies) {
    this.queue = new Queue(queueNames.sync, {
      connection: deps.redis,
      prefix: redisKeys(deps.prefix).syncQueuePrefix,
    });
    this.queue.on("error", ignoreReconnectErrors);
  }

  async trigger(sourceId: string, debounceMs = 5_000): Promise<void> {
    if (!this.deps.sources.some((source) => source.id === sourceId))
      throw new Error(`unknown source "${sourceId}"`);
    await this.queue.add(
      "sync",
      { sourceId },
      { deduplication: { id: `now-${sourceId}`, ttl: debounceMs }, removeOnComplete: 100, removeOnFail: 100 },
    );
  }

  /** Every source of an integration. */
  async triggerIntegration(integration: string): Promise<string[]> {
    const sources = this.deps.sources.filter((s) => s.integration === integration).map((s) => s.id);
    for (const id of sources) await this.trigger(id);
    return sources;
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
