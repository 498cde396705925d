import type { Logger } from "../observability/logger.js";
import type { Redis, RedisTarget } from "../queues/connection.js";
import { createRedis } from "../queues/connection.js";
import { acquireFencedLock, type FencedLock, type FencedLockKeys } from "../queues/fenced-lock.js";
import { redisKeys } from "../queues/keys.js";
import type { OutcomeJob } from "./jobs.js";
import { type WritebackIntake, writebackJobId } from "./outcome-intake.js";

/**
 * An integration's writeback outbox: a stream in the outcomes slot (`RedisKeys.writebackOutbox`) to
 * which the outcome's acceptance script appends its writeback job (`OutcomeLedger.accept`), so the
 * job is durable in the same step as the acceptance and the outcome request spends no command of
 * its own on queuing it. `OutboxRelay` moves the entries into the writeback queue.
 */
export class WritebackOutbox {
  constructor(private readonly prefix: string) {}

  key(integration: string): string {
    return redisKeys(this.prefix).writebackOutbox(integration);
  }

  /** An outcome job's entry: its outbox and the XADD fields. */
  entry(job: OutcomeJob): { key: string; fields: string[] } {
    return { key: this.key(job.lead.integration), fields: ["job", JSON.stringify(job)] };
  }
}

export interface OutboxRelayDependencies {
  integrationId: string;
  /** Shared (producer) connection: the lock, the receipts' check, the trim. */
  redis: Redis;
  /** Where Redis is, for the relay's own connection (it blocks reading the outbox). */
  target: RedisTarget;
  prefix: string;
  /** The writeback queues (`addBulk`) and the outcomes' receipts. */
  intake: Pick<WritebackIntake, "queue" | "receipts">;
  log: Pick<Logger, "warn" | "error">;
}

export interface OutboxRelayOptions {
  /** Entries per `addBulk` (default 500). */
  batchSize?: number;
  /** How long the lock outlives a relay that stopped renewing it (default 10 s). */
  lockTtlMs?: number;
  /** Longest wait for a new entry in one read (default 1 s): how soon a close or a lost lock is seen. */
  blockMs?: number;
  /** Wait after a failure (Redis away) before trying again (default 1 s). */
  retryMs?: number;
}

/**
 * Moves an integration's outbox entries into its writeback queue: reads a batch (blocking while the
 * outbox is empty), queues it with `addBulk` under the jobs' own ids (`writebackJobId("o", …)`),
 * and only then deletes exactly those entries (XDEL by id). A crash between the two leaves them to
 * be queued again, which BullMQ answers with the job already there (same id); a job taken since by
 * a worker may be gone (written and removed, dead-lettered), so an entry whose receipt is past
 * `accepted` is deleted without queuing. Every worker process runs one per integration; a lock
 * (renewed each batch) lets one of them relay at a time. Two at once (a relay that stalled past
 * its lock) queue the same ids and delete the same entries: nothing lost, one job per id.
 */
export class OutboxRelay {
  private readonly reader: Redis;
  private readonly key: string;
  private readonly lockKeys: FencedLockKeys;
  private readonly options: Required<OutboxRelayOptions>;
  private lock: FencedLock | undefined;
  /** When the lock was last taken or renewed (it is renewed a third of its TTL later). */
  private renewedAt = Number.NEGATIVE_INFINITY;
  private closed = false;
  private wake: (() => void) | undefined;
  private readonly running: Promise<void>;

  constructor(
    private readonly deps: OutboxRelayDependencies,
    options: OutboxRelayOptions = {},
  ) {
    this.options = {
      batchSize: options.batchSize ?? 500,
      lockTtlMs: options.lockTtlMs ?? 10_000,
      blockMs: options.blockMs ?? 1_000,
      retryMs: options.retryMs ?? 1_000,
    };
    const keys = redisKeys(deps.prefix);
    this.key = keys.writebackOutbox(deps.integrationId);
    this.lockKeys = keys.writebackOutboxRelay(deps.integrationId);
    this.reader = createRedis(deps.target, "worker");
    this.running = this.run();
  }

  private async run(): Promise<void> {
    while (!this.closed) {
      try {
        if (!(await this.lead())) {
          await this.pause(this.options.lockTtlMs / 3);
          continue;
        }
        const entries = await this.read();
        if (entries.length > 0 && !this.closed) await this.relay(entries);
      } catch (error) {
        if (this.closed) break;
        this.renewedAt = Number.NEGATIVE_INFINITY;
        this.deps.log.warn(
          { err: error, integration: this.deps.integrationId },
          "writeback outbox relay failed; retrying (the entries stay in the outbox)",
        );
        await this.pause(this.options.retryMs);
      }
    }
  }

  /**
   * Whether this relay holds the lock: renewed when a third of its TTL has passed (taken back if it
   * lapsed and nobody took it since), else taken if free.
   */
  private async lead(): Promise<boolean> {
    const now = Date.now();
    if (this.lock !== undefined) {
      if (now - this.renewedAt < this.options.lockTtlMs / 3) return true;
      if (await this.lock.heartbeat()) {
        this.renewedAt = now;
        return true;
      }
      this.lock = undefined;
    }
    const attempt = await acquireFencedLock(this.deps.redis, this.lockKeys, this.options.lockTtlMs);
    if (!attempt.acquired) return false;
    this.lock = attempt.lock;
    this.renewedAt = now;
    return true;
  }

  /** The oldest entries (every entry left is not yet relayed), waiting up to `blockMs` for one. */
  private async read(): Promise<Array<[string, string[]]>> {
    const { batchSize, blockMs } = this.options;
    const answer = (await this.reader.xread(
      "COUNT",
      batchSize,
      "BLOCK",
      blockMs,
      "STREAMS",
      this.key,
      "0-0",
    )) as Array<[string, Array<[string, string[]]>]> | null;
    return answer?.[0]?.[1] ?? [];
  }

  private async relay(entries: Array<[string, string[]]>): Promise<void> {
    const jobs: OutcomeJob[] = [];
    for (const [id, fields] of entries) {
      const at = fields.indexOf("job");
      try {
        jobs.push(JSON.parse(fields[at + 1] ?? "") as OutcomeJob);
      } catch (error) {
        // Written by the acceptance script from a serialized job: unreadable means corrupted.
        this.deps.log.error(
          { err: error, integration: this.deps.integrationId, entry: id },
          "unreadable writeback outbox entry dropped",
        );
      }
    }
    const taken = await this.deps.intake.receipts.taken(jobs.map((job) => job.outcome.outcomeId));
    const toQueue = jobs.filter((_job, i) => !taken[i]);
    if (toQueue.length > 0)
      await this.deps.intake.queue(this.deps.integrationId).addBulk(
        toQueue.map((job) => ({
          name: "outcome",
          data: job,
          opts: { jobId: writebackJobId("o", job.outcome.outcomeId) },
        })),
      );
    // Only what was read, by id: entries appended meanwhile stay for the next read.
    await this.deps.redis.xdel(this.key, ...entries.map(([id]) => id));
  }

  private pause(ms: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** Stop relaying (a batch in flight finishes) and free the lock for another process. */
  async close(): Promise<void> {
    this.closed = true;
    this.wake?.();
    // Ends a blocked read at once.
    this.reader.disconnect();
    await this.running;
    await this.lock?.release().catch(() => {});
  }
}
