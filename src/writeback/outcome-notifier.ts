import { createHash, createHmac } from "node:crypto";
import { Queue, Worker } from "bullmq";
import type { Logger } from "../observability/logger.js";
import type { Redis } from "../queues/connection.js";
import { createRedis, type RedisTarget } from "../queues/connection.js";
import { redisKeys } from "../queues/keys.js";
import type { OutcomeReceipts } from "./receipts.js";

/** Part of the Redis layout, like the names in `queues/names.ts`. */
const queueName = "outcome-notify";

/** A dialer's endpoint for the outcomes posted with one API key. */
export interface OutcomeHook {
  apiKey: string;
  url: string;
  /** Signs each body: `X-Telesync-Signature: sha256=<hex HMAC-SHA256(secret, body)>`. */
  webhookSecret: string;
}

interface NotifyJob {
  outcomeId: string;
  hookId: string;
}

/** A hook's id in Redis: a hash of its API key, so keys are never stored. */
export function hookIdOf(apiKey: string): string {
  return createHash("sha256").update(`outcome-hook\n${apiKey}`).digest("hex").slice(0, 16);
}

/** The signature header value for a body: what a dialer recomputes to trust a notification. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

export interface OutcomeNotifierDependencies {
  redis: Redis;
  prefix: string;
  hooks: readonly OutcomeHook[];
  receipts: Pick<OutcomeReceipts, "read" | "watch" | "watcher">;
  log: Logger;
}

/**
 * Tells a dialer when an outcome it posted is final (`written` or `dead-lettered`): a signed POST of
 * the receipt to the hook of the API key it was posted with, from a small BullMQ queue with
 * exponential backoff. The route marks the receipt with the hook and the writeback worker enqueues
 * on the final state; whichever comes second sees the other, and the job id keeps one notification.
 */
export class OutcomeNotifier {
  private readonly queue: Queue<NotifyJob>;
  private readonly hooks: Map<string, OutcomeHook>;
  private worker: Worker<NotifyJob> | undefined;
  private connection: Redis | undefined;

  constructor(private readonly deps: OutcomeNotifierDependencies) {
    this.hooks = new Map(deps.hooks.map((hook) => [hookIdOf(hook.apiKey), hook]));
    this.queue = new Queue<NotifyJob>(queueName, {
      connection: deps.redis,
      prefix: redisKeys(deps.prefix).outcomeNotifyQueuePrefix,
      defaultJobOptions: {
        attempts: 12,
        backoff: { type: "exponential", delay: 1_000 },
        removeOnComplete: { age: 86_400 },
        removeOnFail: { age: 7 * 86_400 },
      },
    });
  }

  private async enqueue(outcomeId: string, hookId: string): Promise<void> {
    const id = createHash("sha256").update(outcomeId).digest("hex").slice(0, 32);
    await this.queue.add("notify", { outcomeId, hookId }, { jobId: `n-${id}` });
  }

  /** The API accepted an outcome with this `Authorization` header: notify its hook, if it has one. */
  async watch(authorization: string | undefined, outcomeId: string): Promise<void> {
    // Most deployments configure no hooks: then no parse and no hash on every outcome.
    if (this.hooks.size === 0) return;
    const key = /^Bearer\s+(\S+)$/i.exec(authorization ?? "")?.[1];
    if (!key) return;
    const hookId = hookIdOf(key);
    if (!this.hooks.has(hookId)) return;
    const state = await this.deps.receipts.watch(outcomeId, hookId);
    if (state === "written" || state === "dead-lettered") await this.enqueue(outcomeId, hookId);
  }

  /** The writeback worker brought the outcome to a final state. */
  async final(outcomeId: string): Promise<void> {
    const hookId = await this.deps.receipts.watcher(outcomeId);
    if (hookId && this.hooks.has(hookId)) await this.enqueue(outcomeId, hookId);
  }

  /** Deliver notifications in this process (worker role). */
  start(redis: string | RedisTarget, options: { timeoutMs?: number } = {}): void {
    this.connection = createRedis(redis);
    this.worker = new Worker<NotifyJob>(
      queueName,
      async (job) => {
        const hook = this.hooks.get(job.data.hookId);
        if (!hook) return { skipped: "hook no longer configured" };
        const receipt = await this.deps.receipts.read(job.data.outcomeId);
        if (!receipt) return { skipped: "receipt expired" };
        const body = JSON.stringify({ event: "outcome.final", sentAt: new Date().toISOString(), receipt });
        const response = await fetch(hook.url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "x-telesync-signature": signBody(hook.webhookSecret, body),
          },
          body,
          signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        });
        // Any non-2xx is retried with backoff; the dialer answers 2xx once it has the receipt.
        if (!response.ok) throw new Error(`dialer webhook answered ${response.status}`);
        return { status: response.status };
      },
      {
        connection: this.connection,
        prefix: redisKeys(this.deps.prefix).outcomeNotifyQueuePrefix,
        concurrency: 10,
      },
    );
    this.worker.on("failed", (job, error) =>
      this.deps.log.warn(
        { outcomeId: job?.data.outcomeId, err: error.message },
        "outcome webhook not delivered",
      ),
    );
    this.worker.on("error", (error) => this.deps.log.error({ err: error }, "outcome notifier error"));
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
    this.connection?.disconnect();
  }
}
