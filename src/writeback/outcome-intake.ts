import { createHash } from "node:crypto";
import { Queue } from "bullmq";
import type { Redis } from "../queues/connection.js";
import { ignoreReconnectErrors } from "../queues/connection.js";
import { redisKeys } from "../queues/keys.js";
import { queueNames } from "../queues/names.js";
import type { WritebackJob } from "./jobs.js";
import { OutcomeReceipts } from "./receipts.js";

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

/** The durable front of the writeback: once `enqueue` resolves the job is in Redis. */
export class WritebackIntake {
  private readonly queues = new Map<string, Queue<WritebackJob>>();
  /** Each outcome's receipt starts here, as `accepted`. */
  readonly receipts: OutcomeReceipts;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    this.receipts = new OutcomeReceipts(redis, prefix);
  }

  /** The writeback queue of one integration. */
  queue(integration: string): Queue<WritebackJob> {
    let queue = this.queues.get(integration);
    if (!queue) {
      queue = new Queue<WritebackJob>(queueNames.writeback(integration), {
        connection: this.redis,
        prefix: redisKeys(this.prefix).writebackQueuePrefix(integration),
        defaultJobOptions: writebackJobOptions,
      });
      queue.on("error", ignoreReconnectErrors);
      this.queues.set(integration, queue);
    }
    return queue;
  }

  /**
   * Queue a job. Idempotent while the job is kept: its id comes from the outcomeId (or the consent
   * change's id), so queuing it again keeps one job. Which outcomes were accepted is `OutcomeLedger`'s.
   */
  async enqueue(job: WritebackJob): Promise<void> {
    if (job.kind === "outcome") {
      // Before the job: a worker's later steps must find the receipt (they never move it back).
      // Both go on the one connection the queue shares, the receipt first, so Redis runs them in
      // that order while they travel together (one round trip).
      await Promise.all([
        this.receipts.accepted(job.outcome.outcomeId, {
          direction: job.outcome.direction,
          leadKey: job.outcome.leadKey,
          at: new Date(),
        }),
        this.queue(job.lead.integration).add("outcome", job, {
          jobId: writebackJobId("o", job.outcome.outcomeId),
        }),
      ]);
      return;
    }
    await this.queue(job.lead.integration).add("consent", job, { jobId: writebackJobId("c", job.id) });
  }

  /** Queue again under a new id (dead-letter replay), so it is not taken for the original job. */
  async requeue(job: WritebackJob, replayId: string): Promise<void> {
    await this.queue(job.lead.integration).add(job.kind, job, { jobId: writebackJobId("r", replayId) });
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
