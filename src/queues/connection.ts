import { Redis } from "ioredis";

/**
 * Which side of telesync a connection serves:
 * - `worker`: BullMQ workers and their blocking reads; waits for Redis forever (BullMQ requires
 *   `maxRetriesPerRequest: null`), since a worker has nobody to answer and resumes by itself.
 * - `producer`: the HTTP path and everything shared with it (queues, intake, gate, state). Fails
 *   fast: a bounded wait per command, and once connected no offline queue, so a caller gets an
 *   error in seconds (then a 503) instead of hanging, and no command runs late after it gave up.
 * - `lease`: the lease path's manual BullMQ worker. BullMQ refuses `maxRetriesPerRequest` on a
 *   worker, so it fails fast by the command timeout and the offline queue alone.
 */
export type RedisRole = "worker" | "producer" | "lease";

/**
 * The longest a producer or lease command waits for Redis before it fails. Only a connected but
 * unresponsive Redis meets it (a lost connection fails at once: no offline queue). ioredis times a
 * command from when it was written, so a process starved of CPU (a sync mapping a 2,000-record page
 * on a crowded host) can see a reply that arrived in time as late: 2 s failed syncs on a busy CI
 * machine, 5 s keeps the bound an operator notices without those false failures.
 */
export const commandTimeoutMs = 5_000;

/**
 * ioredis connections for BullMQ and telesync's own keys. RESP2 until BullMQ is tested on
 * ioredis 6's RESP3 default.
 */
export function createRedis(url: string, role: RedisRole = "worker"): Redis {
  const failFast = role !== "worker";
  const redis = new Redis(url, {
    protocol: 2,
    maxRetriesPerRequest: role === "producer" ? 1 : null,
    enableReadyCheck: true,
    lazyConnect: false,
    ...(failFast
      ? {
          commandTimeout: commandTimeoutMs,
          // Reconnect briskly (≤ 1 s apart) so service resumes soon after Redis does.
          retryStrategy: (times: number) => Math.min(100 * times, 1_000),
        }
      : {}),
  });
  if (failFast) {
    // Queue commands only until the first connect (start-up); afterwards a command sent while
    // Redis is away fails at once instead of waiting for (and running after) a reconnect.
    redis.once("ready", () => {
      redis.options.enableOfflineQueue = false;
    });
  }
  // A connection error must not crash the process; ioredis reconnects by itself.
  redis.on("error", () => {});
  return redis;
}

/**
 * For BullMQ queues' `error` event: a Queue re-emits each failed reconnect of its connection, and
 * without a listener BullMQ prints every one to stderr (dozens a second while Redis is away). An
 * outage shows as 503 `redis_unavailable` and in `/healthz` instead.
 */
export function ignoreReconnectErrors(): void {}
