import { Queue, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { createRedis } from "../queues/connection.js";
import { queueNames } from "../queues/names.js";
import type { Telesync } from "../runtime/telesync.js";
import { SyncAlreadyRunningError } from "./run-sync.js";

interface SyncJob {
  sourceId: string;
}

/**
 * Runs every source on its `every` with BullMQ job schedulers (upserted from this one place), and
 * a worker that performs the syncs. A source is never synced twice at once (SyncState lock).
 */
export class SyncScheduler {
  private readonly queue: Queue<SyncJob>;
  private worker: Worker<SyncJob> | undefined;
  private connection: Redis | undefined;

  constructor(private readonly telesync: Telesync) {
    this.queue = new Queue<SyncJob>(queueNames.sync, { connection: telesync.redis, prefix: telesync.prefix });
  }

  /** Make the schedulers match the config: add or update each source's, remove stale ones. */
  async reconcile(): Promise<void> {
    const wanted = new Map(
      this.telesync.config.sources.filter((s) => s.every !== undefined).map((s) => [s.id, s.every as number]),
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
    const log = this.telesync.log;
    this.connection = createRedis(this.telesync.config.redis.url);
    this.worker = new Worker<SyncJob>(
      queueNames.sync,
      async (job) => {
        try {
          const report = await this.telesync.sync(job.data.sourceId);
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
      { connection: this.connection, prefix: this.telesync.prefix, concurrency },
    );
    this.worker.on("error", (error) => log.error({ err: error }, "sync worker error"));
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
    this.connection?.disconnect();
  }
}
