import { Queue, Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { SourceConfig } from "../config/schema.js";
import type { Logger } from "../observability/logger.js";
import { createRedis } from "../queues/connection.js";
import { queueNames } from "../queues/names.js";
import { SyncAlreadyRunningError, type SyncReport } from "./run-sync.js";

interface SyncJob {
  sourceId: string;
}

export interface SyncSchedulerDependencies {
  /** For the scheduler queue; the worker opens its own connection from `redisUrl`. */
  redis: Redis;
  redisUrl: string;
  prefix: string;
  sources: readonly Pick<SourceConfig, "id" | "every">[];
  /** One sync of a source (telesync's `sync`). */
  sync: (sourceId: string) => Promise<SyncReport>;
  log: Logger;
}

/**
 * Runs every source on its `every` with BullMQ job schedulers (upserted from this one place), and
 * a worker that performs the syncs. A source is never synced twice at once (SyncState lock).
 */
export class SyncScheduler {
  private readonly queue: Queue<SyncJob>;
  private worker: Worker<SyncJob> | undefined;
  private connection: Redis | undefined;

  constructor(private readonly deps: SyncSchedulerDependencies) {
    this.queue = new Queue<SyncJob>(queueNames.sync, { connection: deps.redis, prefix: deps.prefix });
  }

  /** Make the schedulers match the config: add or update each source's, remove stale ones. */
  async reconcile(): Promise<void> {
    const wanted = new Map(
      this.deps.sources.filter((s) => s.every !== undefined).map((s) => [s.id, s.every as number]),
    );
    for (const [sourceId, every] of wanted) {
      await this.queue.upsertJobScheduler(
        `source-${sourceId}`,
        { every },
        { name: "sync", data: { sourceId }, opts: { removeOnComplete: 100, removeOnFail: 100 } },
      );
    }
    for (const scheduler of await this.queue.getJobSchedulers()) {
      const sourceId = scheduler.key.replace(/^source-/, "");
      if (!wanted.has(sourceId)) await this.queue.removeJobScheduler(scheduler.key);
    }
  }

  startWorker(concurrency = 2): void {
    const log = this.deps.log;
    this.connection = createRedis(this.deps.redisUrl);
    this.worker = new Worker<SyncJob>(
      queueNames.sync,
      async (job) => {
        try {
          const report = await this.deps.sync(job.data.sourceId);
          const { problems: _problems, ...summary } = report;
          return summary;
        } catch (error) {
          if (error instanceof SyncAlreadyRunningError) {
            log.info({ source: job.data.sourceId }, "sync skipped: another run is in progress");
            return { skipped: true };
          }
          log.error({ source: job.data.sourceId, err: error }, "sync failed");
          throw error;
        }
      },
      { connection: this.connection, prefix: this.deps.prefix, concurrency },
    );
    this.worker.on("error", (error) => log.error({ err: error }, "sync worker error"));
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
    this.connection?.disconnect();
  }
}
