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
  async enqueue(job: WritebackJob, options: { receiptWritten?: boolean } = {}): Promise<void> {
    if (job.kind === "outcome") {
      // The acceptance step wrote the receipt already (`OutcomeLedger.accept`): the job alone.
      if (options.receiptWritten) {
        await this.queue(job.lead.integration).add("outcome", job, {
          jobId: writebackJobId("o", job.outcome.outcomeId),
        });
        return;
      }
      // Before the job: a worker's later steps must find the receipt (they never move it back).
      // Both go on the one connection the queue shares, the receipt first, so Redis runs them in
      // that order while they travel together (one round trip).
      await Promise.all([
        this.receipts.accepted(job.outcome.outcomeId, {
          direction: job.outcome.direction,
          leadKey: job.outcome.leadKey,
          campaign: job.outcome.campaign,
          disposition: job.outcome.disposition,
          at: new Date(),
        }),
        this.queue(job.lead.integration).add("outcome", job, {
          jobId: writebackJobId("o", job.outcome.outcomeId),
        }),
      ]);
      return;
    }
    if (job.kind === "appointment") {
      // The latest change of an appointment wins: an older one still queued (or retried) is skipped.
      // Set before the receipt, and only for a change not seen before: a repeated old request never
      // makes an old change the latest again, and a crash in between is repaired by the retry.
      if (!(await this.receipts.read(job.id)))
        await this.redis.set(this.latestChangeKey(job.appointmentId), job.id, "EX", 30 * 86_400);
      await this.receipts.accepted(job.id, {
        direction: `appointment-${job.change.action}`,
        leadKey: `${job.lead.integration}/${job.lead.objectType}/${job.lead.crmId}`,
        at: new Date(),
      });
      await this.queue(job.lead.integration).add("appointment", job, { jobId: writebackJobId("a", job.id) });
      return;
    }
    await this.queue(job.lead.integration).add("consent", job, { jobId: writebackJobId("c", job.id) });
  }

  /** `appointment-latest:<hash>`: the changeId of an appointment's most recent change. */
  latestChangeKey(appointmentId: string): string {
    return redisKeys(this.prefix).appointmentLatest(
      createHash("sha256").update(appointmentId).digest("hex").slice(0, 32),
    );
  }

  /** Whether `changeId` is still the appointment's latest change (a superseded one is not written). */
  async isLatestChange(appointmentId: string, changeId: string): Promise<boolean> {
    const latest = await this.redis.get(this.latestChangeKey(appointmentId));
    return latest === null || latest === changeId;
  }

  /** The integration's writeback outbox (`WritebackOutbox`): jobs accepted, not yet queued by the relay. */
  outboxKey(integration: string): string {
    return redisKeys(this.prefix).writebackOutbox(integration);
  }

  outboxLength(integration: string): Promise<number> {
    return this.redis.xlen(this.outboxKey(integration));
  }

  /** Queue again under a new id (dead-letter replay), so it is not taken for the original job. */
  async requeue(job: WritebackJob, replayId: string): Promise<void> {
    await this.queue(job.lead.integration).add(job.kind, job, { jobId: writebackJobId("r", replayId) });
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
