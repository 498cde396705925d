import { Queue } from "bullmq";
import { ignoreReconnectErrors } from "../queues/connection.js";
import { queueNames } from "../queues/names.js";
import type { Telesync } from "../runtime/telesync.js";

/**
 * Ask the workers to sync a source now (a CRM event said something changed). Bursts of events
 * collapse into one run per source within `debounceMs`.
 */
export class SyncTrigger {
  private readonly queue: Queue<{ sourceId: string }>;

  constructor(private readonly telesync: Telesync) {
    this.queue = new Queue(queueNames.sync, { connection: telesync.redis, prefix: telesync.prefix });
    this.queue.on("error", ignoreReconnectErrors);
  }

  async trigger(sourceId: string, debounceMs = 5_000): Promise<void> {
    this.telesync.source(sourceId);
    await this.queue.add(
      "sync",
      { sourceId },
      { deduplication: { id: `now-${sourceId}`, ttl: debounceMs }, removeOnComplete: 100, removeOnFail: 100 },
    );
  }

  /** Every source of an integration. */
  async triggerIntegration(integration: string): Promise<string[]> {
    const sources = this.telesync.config.sources
      .filter((s) => s.integration === integration)
      .map((s) => s.id);
    for (const id of sources) await this.trigger(id);
    return sources;
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
