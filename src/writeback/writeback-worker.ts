import { type Job, Queue, RateLimitError, Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { ActivityWrite, ConsentResult, CrmConnector, WriteResult } from "../../connectors/types.js";
import type { IntegrationConfig } from "../config/schema.js";
import type { Script } from "../config/script-schema.js";
import type { ErrorClass } from "../errors.js";
import type { Logger } from "../observability/logger.js";
import { createRedis, ignoreReconnectErrors } from "../queues/connection.js";
import { queueNames } from "../queues/names.js";
import { AuthPause, defaultAuthRetryMs } from "./auth-pause.js";
import { MicroBatcher } from "./batcher.js";
import {
  BreakerOpenError,
  type BreakerOptions,
  type BreakerVerdict,
  CircuitBreaker,
} from "./circuit-breaker.js";
import type { DeadLetterQueue } from "./dead-letter.js";
import type { ConsentJob, WritebackJob } from "./jobs.js";
import { type ReceiptDetails, receiptRecords } from "./receipt-records.js";
import type { OutcomeReceipts } from "./receipts.js";
import { toActivityWrite, type WritebackSettings, writebackSettings } from "./to-activity.js";

/** A failure that BullMQ should retry; `waitMs` is the CRM's own wait when it told us one. */
export class WritebackRetryError extends Error {
  override readonly name = "WritebackRetryError";
  constructor(
    readonly classification: ErrorClass,
    readonly waitMs?: number,
  ) {
    super(classification.reason);
  }
}

/** Exponential backoff with full jitter, 1 s → 5 min; a CRM-given wait wins. */
export function writebackBackoff(attemptsMade: number, error: Error | undefined): number {
  if (error instanceof WritebackRetryError && error.waitMs !== undefined) return error.waitMs;
  const ceiling = Math.min(300_000, 1_000 * 2 ** Math.max(0, attemptsMade - 1));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

interface ActivityItem {
  write: ActivityWrite;
  checkExisting: boolean;
}

export interface WritebackWorkerOptions {
  /** How long a batch waits to fill before it is sent. */
  batchWindowMs?: number;
  /** Lock on a writeback job; a crashed worker's jobs are retried after it (with a lookup first). */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** The integration's CRM circuit breaker (shared by every worker through Redis). */
  breaker?: BreakerOptions;
  /** While the CRM refuses the credentials: how often one batch tries them again (default 60 s). */
  authRetryMs?: number;
}

export interface WritebackWorkerDependencies {
  integrationId: string;
  integration: IntegrationConfig;
  /** Campaign → its script, for the survey summary and answer fields of outcomes. */
  scripts?: Readonly<Record<string, Script>> | undefined;
  connector: CrmConnector;
  deadLetters: Pick<DeadLetterQueue, "add">;
  /** For pausing the queue; the worker opens its own connection from `redisUrl`. */
  redis: Redis;
  redisUrl: string;
  prefix: string;
  log: Logger;
  /** Each outcome's receipt: batched, retrying, written (with the CRM records), dead-lettered. */
  receipts?: Pick<OutcomeReceipts, "batched" | "retrying" | "written" | "deadLettered">;
  /** Called once an outcome's receipt is final (written, dead-lettered): the dialer's webhook. */
  onFinal?: (outcomeId: string) => Promise<void>;
}

type ItemResult = { ok: true } | { ok: false; error: ErrorClass };

/**
 * One integration's writeback: jobs from its queue are micro-batched into the CRM's batch requests;
 * each job gets its own record's result. Permanent failures go to the dead-letter queue; the rest
 * retry, after an ambiguous failure with a lookup of what the first attempt already wrote.
 */
export class WritebackWorker {
  readonly worker: Worker<WritebackJob>;
  private readonly activities: MicroBatcher<ActivityItem, WriteResult>;
  private readonly consents: MicroBatcher<ConsentJob, ConsentResult>;
  private readonly connector: CrmConnector;
  /** Used to pause the whole queue (every worker of this integration) when the CRM says slow down. */
  private readonly queue: Queue<WritebackJob>;
  /** The worker's own connection: BullMQ does not close a connection it was handed. */
  private readonly connection: Redis;
  readonly breaker: CircuitBreaker;
  /** Credentials refused: writeback waits for them, shared by every worker (see `AuthPause`). */
  readonly authPause: AuthPause;
  private readonly authRetryMs: number;
  /** The integration's writeback settings, worked out once, not per job. */
  private readonly settings: WritebackSettings;

  constructor(
    private readonly deps: WritebackWorkerDependencies,
    options: WritebackWorkerOptions = {},
  ) {
    const { integrationId } = deps;
    this.settings = writebackSettings(deps.integration, deps.scripts);
    this.connector = deps.connector;
    this.queue = new Queue<WritebackJob>(queueNames.writeback(integrationId), {
      connection: deps.redis,
      prefix: deps.prefix,
    });
    this.queue.on("error", ignoreReconnectErrors);
    this.breaker = new CircuitBreaker(deps.redis, deps.prefix, integrationId, options.breaker);
    this.authPause = new AuthPause(deps.redis, deps.prefix, integrationId);
    this.authRetryMs = options.authRetryMs ?? defaultAuthRetryMs;
    const maxSize = this.connector.limits.writeBatchSize;
    const maxWaitMs = options.batchWindowMs ?? 2_000;
    this.activities = new MicroBatcher({
      maxSize,
      maxWaitMs,
      flush: (items) =>
        this.guarded(() =>
          this.connector.writeActivities(
            items.map((i) => i.write),
            { checkExisting: items.some((i) => i.checkExisting) },
          ),
        ),
    });
    this.consents = new MicroBatcher({
      maxSize,
      maxWaitMs,
      flush: (items) =>
        this.guarded(() =>
          this.connector.writeConsent(
            items.map((c) => ({
              id: c.id,
              lead: { objectType: c.lead.objectType, crmId: c.lead.crmId },
              doNotCall: c.doNotCall,
            })),
          ),
        ),
    });
    this.connection = createRedis(deps.redisUrl);
    this.worker = new Worker<WritebackJob>(queueNames.writeback(integrationId), (job) => this.process(job), {
      connection: this.connection,
      prefix: deps.prefix,
      // Enough jobs in hand to fill one batch while the previous one is in flight.
      concurrency: maxSize * 2,
      lockDuration: options.lockDurationMs ?? 30_000,
      stalledInterval: options.stalledIntervalMs ?? 30_000,
      maxStalledCount: 5,
      limiter: { max: 100_000, duration: 1_000 },
      settings: {
        backoffStrategy: async (attemptsMade, _type, error, job) => {
          const delay = writebackBackoff(attemptsMade, error);
          const data = job?.data as WritebackJob | undefined;
          if (data?.kind === "outcome")
            await this.receipt((r) =>
              r.retrying(data.outcome.outcomeId, new Date(Date.now() + delay), error?.message ?? "unknown"),
            );
          return delay;
        },
      },
    });
    this.worker.on("failed", (job, error) => {
      if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) void this.exhausted(job, error);
    });
    this.worker.on("error", (error) => deps.log.error({ err: error }, "writeback worker error"));
    void this.tryCredentialsAtStart();
  }

  /**
   * A worker started while the integration is paused for refused credentials most likely carries new
   * ones (the fix for a revoked token is new credentials and a restart): try them at once with the
   * next batch rather than after the rest of the pause. Wrong ones pause it again.
   */
  private async tryCredentialsAtStart(): Promise<void> {
    try {
      if (await this.authPause.status()) await this.queue.removeRateLimitKey();
    } catch {
      // Redis away at start: the pause then simply runs its course.
    }
  }

  /** Receipts are a view: a failure to update one is logged, never fails the write. */
  private async receipt(
    update: (receipts: NonNullable<WritebackWorkerDependencies["receipts"]>) => Promise<unknown>,
  ): Promise<void> {
    if (!this.deps.receipts) return;
    try {
      await update(this.deps.receipts);
    } catch (error) {
      this.deps.log.warn({ err: error }, "outcome receipt not updated");
    }
  }

  private async final(outcomeId: string): Promise<void> {
    try {
      await this.deps.onFinal?.(outcomeId);
    } catch (error) {
      this.deps.log.warn({ err: error }, "outcome notification not queued");
    }
  }

  private receiptDetails(): ReceiptDetails {
    const connector = this.connector;
    return {
      activityObjectType: connector.activityObjectType ?? "activity",
      recordUrl: (objectType, id) => connector.recordUrl?.(objectType, id),
      ...(connector.recordUrl
        ? {}
        : { urlUnknown: `the ${connector.vendor} connector gives no record URLs` }),
    };
  }

  private async process(job: Job<WritebackJob>): Promise<unknown> {
    const data = job.data;
    const checkExisting = data.ambiguous === true || job.attemptsStarted > 1;
    let result: ItemResult;
    try {
      if (data.kind === "outcome") {
        const write = toActivityWrite(data, this.settings);
        const outcomeId = data.outcome.outcomeId;
        // A dead-letter replay (job id r-…) is in flight again after a final state.
        const replay = String(job.id).startsWith("r-");
        // Not awaited before the batch: a late `batched` never overrides `written` (ranked states).
        const marked = this.receipt((r) => r.batched(outcomeId, job.attemptsStarted, { replay }));
        const written = await this.activities.submit({ write, checkExisting });
        await marked;
        if (written.ok) {
          const records = receiptRecords(write, written.activityId, this.receiptDetails());
          await this.receipt((r) => r.written(outcomeId, records));
          await this.final(outcomeId);
        }
        result = written;
      } else {
        result = await this.consents.submit(data);
      }
    } catch (error) {
      if (error instanceof BreakerOpenError) {
        // Every worker of this integration waits; the job keeps its attempts.
        await this.queue.rateLimit(error.waitMs);
        throw new RateLimitError();
      }
      result = { ok: false, error: this.connector.classifyError(error) };
    }
    if (result.ok) return result;
    const failure = result.error;
    const log = this.deps.log.child({ integration: this.deps.integrationId, job: job.id, kind: data.kind });
    switch (failure.kind) {
      case "permanent": {
        const id = await this.deps.deadLetters.add({
          job: data,
          originalJobId: job.id as string,
          error: failure,
          attempts: job.attemptsStarted,
          failedAt: new Date().toISOString(),
        });
        log.warn({ deadLetter: id, reason: failure.reason }, "writeback refused by the CRM: dead-lettered");
        if (data.kind === "outcome")
          await this.receipt((r) => r.deadLettered(data.outcome.outcomeId, failure.reason));
        if (data.kind === "outcome") await this.final(data.outcome.outcomeId);
        return { deadLettered: id };
      }
      case "rate-limited":
        log.warn(
          { waitMs: failure.waitMs, scope: failure.scope },
          "CRM rate limit: pausing this integration's writeback",
        );
        await this.queue.rateLimit(failure.waitMs);
        if (data.kind === "outcome")
          await this.receipt((r) =>
            r.retrying(data.outcome.outcomeId, new Date(Date.now() + failure.waitMs), failure.reason),
          );
        throw new RateLimitError();
      case "retry":
        if (failure.ambiguous && !data.ambiguous) await job.updateData({ ...data, ambiguous: true });
        throw new WritebackRetryError(failure);
      case "auth": {
        // The connector already tried its one refresh: the credentials themselves are refused.
        // Retrying per job would spend the attempts and dead-letter good outcomes; pause instead.
        if (await this.authPause.fail(failure.reason))
          log.error(
            { reason: failure.reason, retryInMs: this.authRetryMs },
            "CRM refused the credentials: writeback paused until they work again (outcomes kept)",
          );
        await this.queue.rateLimit(this.authRetryMs);
        if (data.kind === "outcome")
          await this.receipt((r) =>
            r.retrying(
              data.outcome.outcomeId,
              new Date(Date.now() + this.authRetryMs),
              `credentials refused: ${failure.reason}`,
            ),
          );
        throw new RateLimitError();
      }
    }
  }

  /**
   * One CRM call (a whole batch) through the breaker: refused while it is open, counted as a failure
   * when the CRM fails in a retryable way, as a success when it answers.
   */
  private async guarded<T>(call: () => Promise<T>): Promise<T> {
    const permit = await this.breaker.permit();
    this.breakerChanged(permit);
    if (!permit.allowed) throw new BreakerOpenError(this.deps.integrationId, permit.waitMs);
    let outcome: T;
    try {
      outcome = await call();
    } catch (error) {
      const failure = this.connector.classifyError(error);
      if (failure.kind === "retry") {
        await this.breaker.failure(failure.reason).then(
          (verdict) => this.breakerChanged(verdict),
          () => {},
        );
      }
      throw error;
    }
    // A batch answered with every record failed in a retryable way (HubSpot's connector reports a
    // hung or reset batch request per record rather than throwing) is a failing CRM, not an answer.
    const results = Array.isArray(outcome) ? (outcome as Array<{ ok?: unknown; error?: ErrorClass }>) : [];
    const allRetryable =
      results.length > 0 && results.every((r) => r.ok === false && r.error?.kind === "retry");
    await (allRetryable
      ? this.breaker.failure(results[0]?.error?.reason ?? "batch failed")
      : this.breaker.success()
    ).then(
      (verdict) => this.breakerChanged(verdict),
      () => {},
    );
    // Credentials work once the CRM took a record: a batch answered with per-record 401s (HubSpot's
    // batch endpoints) is no proof.
    const accepted = !Array.isArray(outcome) || results.some((r) => r.ok === true);
    if (accepted)
      await this.authPause.clear().then(
        (lifted) => {
          if (lifted)
            this.deps.log.info(
              { integration: this.deps.integrationId },
              "CRM accepted the credentials again: writeback resumes",
            );
        },
        () => {},
      );
    return outcome;
  }

  /** One log line per state change (the caller that made it), and on closing drain at full speed. */
  private breakerChanged(verdict: BreakerVerdict): void {
    if (!verdict.changedFrom) return;
    const log = this.deps.log.child({ integration: this.deps.integrationId, breaker: verdict.state });
    if (verdict.state === "open") {
      log.warn(
        { from: verdict.changedFrom, retryInMs: verdict.waitMs },
        "CRM failing: circuit breaker open, writeback paused",
      );
      void this.queue.rateLimit(verdict.waitMs).catch(() => {});
    } else if (verdict.state === "half-open") {
      log.info({ from: verdict.changedFrom }, "CRM circuit breaker half-open: probing with one batch");
    } else {
      log.info({ from: verdict.changedFrom }, "CRM answered: circuit breaker closed, writeback resumes");
      // Retries parked by backoff during the outage go now, and the pause is lifted.
      void Promise.all([this.queue.removeRateLimitKey(), this.queue.promoteJobs()]).catch(() => {});
    }
  }

  /** Out of attempts: keep it, in the dead-letter queue, with the last error. */
  private async exhausted(job: Job<WritebackJob>, error: Error): Promise<void> {
    const classification =
      error instanceof WritebackRetryError ? error.classification : this.connector.classifyError(error);
    await this.deps.deadLetters.add({
      job: job.data,
      originalJobId: job.id as string,
      error: classification,
      attempts: job.attemptsStarted,
      failedAt: new Date().toISOString(),
    });
    if (job.data.kind === "outcome") {
      const outcomeId = job.data.outcome.outcomeId;
      await this.receipt((r) => r.deadLettered(outcomeId, `out of attempts: ${classification.reason}`));
      await this.final(outcomeId);
    }
    await job.remove().catch(() => {});
  }

  /** Stop taking jobs, send what is batched, wait for in-flight writes. */
  async close(): Promise<void> {
    const closing = this.worker.close();
    await this.activities.drain();
    await this.consents.drain();
    await closing;
    await this.queue.close();
    this.connection.disconnect();
  }
}
