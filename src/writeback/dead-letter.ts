import { Queue } from "bullmq";
import type { ErrorClass } from "../errors.js";
import type { Redis } from "../queues/connection.js";
import { ignoreReconnectErrors } from "../queues/connection.js";
import { redisKeys } from "../queues/keys.js";
import { queueNames } from "../queues/names.js";
import type { WritebackJob } from "./jobs.js";

export interface DeadLetter {
  job: WritebackJob;
  /** The writeback job this came from. */
  originalJobId: string;
  error: ErrorClass;
  attempts: number;
  failedAt: string;
}

export interface DeadLetterEntry extends DeadLetter {
  id: string;
}

/**
 * Writes the CRM refused for good, with the CRM's message: nothing is dropped. Inspect with
 * `telesync dlq list|show`, replay after fixing the record with `telesync dlq replay`.
 */
export class DeadLetterQueue {
  readonly queue: Queue<DeadLetter>;

  constructor(redis: Redis, prefix: string) {
    this.queue = new Queue<DeadLetter>(queueNames.deadLetter, {
      connection: redis,
      prefix: redisKeys(prefix).deadLetterQueuePrefix,
    });
    this.queue.on("error", ignoreReconnectErrors);
  }

  async add(letter: DeadLetter): Promise<string> {
    const job = await this.queue.add(letter.job.kind, letter, {
      jobId: `dl-${letter.originalJobId}-${Date.now()}`,
    });
    return job.id as string;
  }

  async list(start = 0, end = 99): Promise<DeadLetterEntry[]> {
    const jobs = await this.queue.getJobs(["waiting"], start, end, true);
    return jobs.map((job) => ({ id: job.id as string, ...job.data }));
  }

  async count(): Promise<number> {
    return this.queue.getWaitingCount();
  }

  async get(id: string): Promise<DeadLetterEntry | undefined> {
    const job = await this.queue.getJob(id);
    return job ? { id, ...job.data } : undefined;
  }

  /** Hand an entry back to the writeback queue and drop it from here. */
  async replay(
    id: string,
    requeue: (job: WritebackJob, replayId: string) => Promise<void>,
  ): Promise<boolean> {
    const job = await this.queue.getJob(id);
    if (!job) return false;
    await requeue({ ...job.data.job, ambiguous: true }, `${id}-replay-${Date.now()}`);
    await job.remove();
    return true;
  }

  /** Drop an entry for good (an operator decided the write must not happen). */
  async discard(id: string): Promise<boolean> {
    const job = await this.queue.getJob(id);
    if (!job) return false;
    await job.remove();
    return true;
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
