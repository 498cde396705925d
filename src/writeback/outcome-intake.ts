import { createHash } from "node:crypto";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { ignoreReconnectErrors } from "../queues/connection.js";
import { queueNames } from "../queues/names.js";
import type { WritebackJob } from "./jobs.js";

const seenTtlSeconds = 30 * 86_400;

/** Retries with backoff (see writeback-worker); finished jobs kept a day, failed ones until handled. */
export const writebackJobOptions = {
  attempts: 25,
  backoff: { type: "writeback" },
  removeOnComplete: { age: 86_400, count: 100_000 },
  removeOnFail: false,
};

/** BullMQ-safe job id for a client-chosen key (any characters, any length). */
export function writebackJobId(kind: string, key: string): string {
  return `${kind}-${createHash("sha256").update(key).digest("hex").slice(0, 32)}`;
}

/**
 * The durable front of the writeback: once `enqueue` resolves the job is in Redis, and an
 * outcomeId seen before (30 days) is recognised so a repeated report has no second effect.
 */
export class WritebackIntake {
  private readonly queues = new Map<string, Queue<WritebackJob>>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /** The writeback queue of one integration. */
  queue(integration: string): Queue<WritebackJob> {
    let queue = this.queues.get(integration);
    if (!queue) {
      queue = new Queue<WritebackJob>(queueNames.writeback(integration), {
        connection: this.redis,
        prefix: this.prefix,
        defaultJobOptions: writebackJobOptions,
      });
      queue.on("error", ignoreReconnectErrors);
      this.queues.set(integration, queue);
    }
    return queue;
  }

  private seenKey(outcomeId: string): string {
    return `${this.prefix}:outcome-seen:${writebackJobId("o", outcomeId)}`;
  }

  async isKnownOutcome(outcomeId: string): Promise<boolean> {
    return (await this.redis.exists(this.seenKey(outcomeId))) === 1;
  }

  /** Queue a job; for outcomes returns false when this outcomeId was queued before. */
  async enqueue(job: WritebackJob): Promise<boolean> {
    if (job.kind === "outcome") {
      const jobId = writebackJobId("o", job.outcome.outcomeId);
      const fresh = await this.redis.set(
        this.seenKey(job.outcome.outcomeId),
        jobId,
        "EX",
        seenTtlSeconds,
        "NX",
      );
      // The job id dedupes too, so a crash between the two steps cannot queue an outcome twice.
      await this.queue(job.lead.integration).add("outcome", job, { jobId });
      return fresh === "OK";
    }
    await this.queue(job.lead.integration).add("consent", job, { jobId: writebackJobId("c", job.id) });
    return true;
  }

  /** Queue again under a new id (dead-letter replay): bypasses the outcomeId check on purpose. */
  async requeue(job: WritebackJob, replayId: string): Promise<void> {
    await this.queue(job.lead.integration).add(job.kind, job, { jobId: writebackJobId("r", replayId) });
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
