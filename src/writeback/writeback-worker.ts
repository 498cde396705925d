import { type Job, Queue, RateLimitError, Worker } from "bullmq";
import type { ActivityWrite, ConsentResult, CrmConnector, WriteResult } from "../../connectors/types.js";
import type { IntegrationConfig } from "../config/schema.js";
import type { Script } from "../config/script-schema.js";
import type { ErrorClass } from "../errors.js";
import type { Logger } from "../observability/logger.js";
import type { Redis } from "../queues/connection.js";
import { createRedis, ignoreReconnectErrors } from "../queues/connection.js";
import { redisKeys } from "../queues/keys.js";
import { queueNames } from "../queues/names.js";
import { AppointmentChangeWriter } from "./appointment-changes.js";
import { AuthPause, defaultAuthRetryMs } from "./auth-pause.js";
import { MicroBatcher } from "./batcher.js";
import { BreakerOpenError, type BreakerOptions, CircuitBreaker } from "./circuit-breaker.js";
import { CreatedLeads } from "./created-leads.js";
import { CrmCallGuard } from "./crm-call-guard.js";
import type { DeadLetterQueue } from "./dead-letter.js";
import type { ConsentJob, OutcomeJob, WritebackJob } from "./jobs.js";
import { type ReceiptDetails, receiptRecords } from "./receipt-records.js";
import type { OutcomeReceipts } from "./receipts.js";
import { WritebackRetryError, writebackBackoff } from "./retry.js";
import { toActivityWrite, type WritebackSettings, writebackSettings } from "./to-activity.js";

export { WritebackRetryError, writebackBackoff } from "./retry.js";

/** The id a job's receipt is kept under: the outcomeId, an appointment's changeId; consent jobs have none. */
function receiptIdOf(job: WritebackJob): string | undefined {
  if (job.kind === "outcome") return job.outcome.outcomeId;
  return job.kind === "appointment" ? job.id : undefined;
}

interface ActivityItem {
  write: ActivityWrite;
  checkExisting: boolean;
}

export interface WritebackWorkerOptions {
  /**
   * Latency budget of a partial batch: the longest its first outcome waits for others (default
   * 500 ms). A full batch goes at once; a lone outcome in a thin trickle goes after 20 ms (see
   * `batch-window.ts`).
   */
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
  /** `redis.cluster`: `redisUrl` lists a Redis Cluster's seed nodes. */
  redisCluster?: boolean | undefined;
  prefix: string;
  log: Logger;
  /** Each outcome's receipt: batched, retrying, written (with the CRM records), dead-lettered. */
  receipts?: Pick<OutcomeReceipts, "batched" | "retrying" | "written" | "deadLettered">;
  /** Whether an appointment change is still its appointment's latest (`WritebackIntake.isLatestChange`). */
  isLatestChange?: (appointmentId: string, changeId: string) => Promise<boolean>;
  /** Called once an outcome's receipt is final (written, dead-lettered): the dialer's webhook. */
  onFinal?: (outcomeId: string) => Promise<void>;
  /** Each batch sent to the CRM, by kind and size (metrics). */
  onBatch?: (kind: "activities" | "consent", size: number) => void;
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
  /** Leads of `create-lead` inbound calls, created (upserted) before their call is written. */
  private readonly leads: CreatedLeads;
  private readonly appointmentChanges: AppointmentChangeWriter;
  private readonly connector: CrmConnector;
  /** Used to pause the whole queue (every worker of this integration) when the CRM says slow down. */
  private readonly queue: Queue<WritebackJob>;
  /** The worker's own connection: BullMQ does not close a connection it was handed. */
  private readonly connection: Redis;
  readonly breaker: CircuitBreaker;
  /** Credentials refused: writeback waits for them, shared by every worker (see `AuthPause`). */
  readonly authPause: AuthPause;
  private readonly authRetryMs: number;
  private readonly guard: CrmCallGuard;
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
      prefix: redisKeys(deps.prefix).writebackQueuePrefix(integrationId),
    });
    this.queue.on("error", ignoreReconnectErrors);
    this.breaker = new CircuitBreaker(deps.redis, deps.prefix, integrationId, options.breaker);
    this.authPause = new AuthPause(deps.redis, deps.prefix, integrationId);
    this.authRetryMs = options.authRetryMs ?? defaultAuthRetryMs;
    this.guard = new CrmCallGuard({
      integrationId,
      breaker: this.breaker,
      authPause: this.authPause,
      connector: this.connector,
      queue: this.queue,
      log: deps.log,
    });
    const maxSize = this.connector.limits.writeBatchSize;
    const maxWaitMs = options.batchWindowMs ?? 500;
    this.activities = new MicroBatcher({
      maxSize,
      maxWaitMs,
      flush: (items) =>
        this.guarded(() => {
          deps.onBatch?.("activities", items.length);
          return this.connector.writeActivities(
            items.map((i) => i.write),
            { checkExisting: items.some((i) => i.checkExisting) },
          );
        }),
    });
    this.consents = new MicroBatcher({
      maxSize,
      maxWaitMs,
      flush: (items) =>
        this.guarded(() => {
          deps.onBatch?.("consent", items.length);
          return this.connector.writeConsent(
            items.map((c) => ({
              id: c.id,
              lead: { objectType: c.lead.objectType, crmId: c.lead.crmId },
              doNotCall: c.doNotCall,
            })),
          );
        }),
    });
    this.leads = new CreatedLeads({
      connector: this.connector,
      guarded: (call) => this.guarded(call),
      maxWaitMs,
    });
    this.appointmentChanges = new AppointmentChangeWriter({
      connector: this.connector,
      guarded: (call) => this.guarded(call),
      maxWaitMs,
      isLatestChange: deps.isLatestChange ?? (async () => true),
      written: (changeId, records) => this.receipt((r) => r.written(changeId, records)),
    });
    this.connection = createRedis({ url: deps.redisUrl, cluster: deps.redisCluster ?? false });
    this.worker = new Worker<WritebackJob>(queueNames.writeback(integrationId), (job) => this.process(job), {
      connection: this.connection,
      prefix: redisKeys(deps.prefix).writebackQueuePrefix(integrationId),
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
          const id = data && receiptIdOf(data);
          if (id)
            await this.receipt((r) =>
              r.retrying(id, new Date(Date.now() + delay), error?.message ?? "unknown"),
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
      ...(connector.appointments ? { appointmentObjectType: connector.appointments.objectType } : {}),
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
      if (data.kind === "outcome") result = await this.writeOutcome(job, data, checkExisting);
      else if (data.kind === "appointment") result = await this.appointmentChanges.write(data);
      else result = await this.consents.submit(data);
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
    const receiptId = receiptIdOf(data);
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
        if (receiptId) await this.receipt((r) => r.deadLettered(receiptId, failure.reason));
        if (data.kind === "outcome") await this.final(data.outcome.outcomeId);
        return { deadLettered: id };
      }
      case "rate-limited":
        log.warn(
          { waitMs: failure.waitMs, scope: failure.scope },
          "CRM rate limit: pausing this integration's writeback",
        );
        await this.queue.rateLimit(failure.waitMs);
        if (receiptId)
          await this.receipt((r) =>
            r.retrying(receiptId, new Date(Date.now() + failure.waitMs), failure.reason),
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

  /** An outcome's activity (after its lead, for a `create-lead` inbound call), with its receipt. */
  private async writeOutcome(
    job: Job<WritebackJob>,
    data: OutcomeJob,
    checkExisting: boolean,
  ): Promise<ItemResult> {
    const outcomeId = data.outcome.outcomeId;
    // A dead-letter replay (job id r-…) is in flight again after a final state.
    const replay = String(job.id).startsWith("r-");
    // Not awaited before the batch: a late `batched` never overrides `written` (ranked states).
    const marked = this.receipt((r) => r.batched(outcomeId, job.attemptsStarted, { replay }));
    const ready = await this.leads.withLead(job, data);
    if (!ready.ok) {
      await marked;
      return ready;
    }
    const write = toActivityWrite(ready.job, this.settings);
    const written = await this.activities.submit({ write, checkExisting });
    await marked;
    if (written.ok) {
      const records = receiptRecords(write, written, this.receiptDetails(), ready.created);
      const { lead } = write;
      const leadKey = ready.created
        ? `${ready.job.lead.integration}/${lead.objectType}/${lead.crmId}`
        : undefined;
      await this.receipt((r) => r.written(outcomeId, records, leadKey));
      await this.final(outcomeId);
    }
    return written;
  }

  /** One CRM call (a whole batch) through the breaker and the credentials pause (`CrmCallGuard`). */
  private guarded<T>(call: () => Promise<T>): Promise<T> {
    return this.guard.call(call);
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
    const receiptId = receiptIdOf(job.data);
    if (receiptId)
      await this.receipt((r) => r.deadLettered(receiptId, `out of attempts: ${classification.reason}`));
    if (job.data.kind === "outcome") await this.final(job.data.outcome.outcomeId);
    await job.remove().catch(() => {});
  }

  /** Stop taking jobs, send what is batched, wait for in-flight writes. */
  async close(): Promise<void> {
    const closing = this.worker.close();
    await this.leads.drain();
    await this.appointmentChanges.drain();
    await this.activities.drain();
    await this.consents.drain();
    await closing;
    await this.queue.close();
    this.connection.disconnect();
  }
}
