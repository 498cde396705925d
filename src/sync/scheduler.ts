import { DelayedError, type Job, Queue, Worker } from "bullmq";
import type { SourceConfig } from "../config/schema.js";
import type { Logger } from "../observability/logger.js";
import type { Redis } from "../queues/connection.js";
import { createRedis, ignoreReconnectErrors } from "../queues/connection.js";
import { redisKeys } from "../queues/keys.js";
import { queueNames } from "../queues/names.js";
import { SyncAlreadyRunningError, type SyncReport } from "./run-sync.js";

interface SyncJob {
  sourceId: string;
  /** Set when the job found the source locked: the holder's fence it waits out (see `waitOrSkip`). */
  waitingFor?: number;
}

export interface SyncSchedulerDependencies {
  /** For the scheduler queue; the worker opens its own connection from `redisUrl`. */
  redis: Redis;
  redisUrl: string;
  /** `redis.cluster`: `redisUrl` lists a Redis Cluster's seed nodes. */
  redisCluster?: boolean | undefined;
  prefix: string;
  sources: readonly Pick<SourceConfig, "id" | "every">[];
  /** One sync of a source (telesync's `sync`). */
  sync: (sourceId: string) => Promise<SyncReport>;
  log: Logger;
}
/** Margin past the lock's expiry before looking again (clock-free: a duration). */
const lockRecheckMarginMs = 1_000;

/**
 * Runs every source on its `every` with BullMQ job schedulers (upserted from this one place), and
 * a worker that performs the syncs. A source is never synced twice at once (SyncState lock).
 */
export class SyncScheduler {
  private readonly queue: Queue<SyncJob>;
  private worker: Worker<SyncJob> | undefined;
  private connection: Redis | undefined;

  constructor(private readonly deps: SyncSchedulerDependencies) {
    this.queue = new Queue<SyncJob>(queueNames.sync, {
      connection: deps.redis,
      prefix: redisKeys(deps.prefix).syncQueuePrefix,
    });
    this.queue.on("error", ignoreReconnectErrors);
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
    this.connection = createRedis({ url: this.deps.redisUrl, cluster: this.deps.redisCluster ?? false });
    this.worker = new Worker<SyncJob>(
      queueNames.sync,
      async (job, token) => {
        try {
          const report = await this.deps.sync(job.data.sourceId);
          const { problems: _problems, ...summary } = report;
          return summary;
        } catch (error) {
          if (error instanceof SyncAlreadyRunningError) return this.waitOrSkip(job, token, error);
          log.error({ source: job.data.sourceId, err: error }, "sync failed");
          throw error;
        }
      },
      { connection: this.connection, prefix: redisKeys(this.deps.prefix).syncQueuePrefix, concurrency },
    );
    this.worker.on("error", (error) => log.error({ err: error }, "sync worker error"));
  }

  /**
   * The source is locked. Its holder may be alive (then its run does the work: skip) or dead (a
   * crashed run: its lock lapses within the TTL and this job must resume it). So wait the lock out
   * once; if the same holder still has it then, it is renewing it, hence alive.
   */
  private async waitOrSkip(
    job: Job<SyncJob>,
    token: string | undefined,
    error: SyncAlreadyRunningError,
  ): Promise<{ skipped: true }> {
    const log = this.deps.log.child({ source: job.data.sourceId });
    if (job.data.waitingFor === error.heldBy || token === undefined) {
      log.info({ fence: error.heldBy }, "sync skipped: another run is in progress");
      return { skipped: true };
    }
    log.info(
      { fence: error.heldBy, retryInMs: error.expiresInMs + lockRecheckMarginMs },
      "sync waits: the source is locked; resuming if its holder is gone",
    );
    await job.updateData({ ...job.data, waitingFor: error.heldBy });
    await job.moveToDelayed(Date.now() + error.expiresInMs + lockRecheckMarginMs, token);
    throw new DelayedError();
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
    this.connection?.disconnect();
  }
}
