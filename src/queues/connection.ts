import { Cluster, Redis as NodeRedis } from "ioredis";

/**
 * The Redis telesync talks to: one server, or a Redis Cluster (`redis.cluster`). Both speak the same
 * commands; on a cluster every script, MULTI and pipeline keeps to one slot (`src/queues/keys.ts`).
 */
export type Redis = NodeRedis | Cluster;

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

/** Where Redis is: a URL, and whether it is a Redis Cluster (the URL then lists seed nodes). */
export interface RedisTarget {
  url: string;
  /** `redis.cluster`: connect with ioredis `Cluster`, seeded from every URL in `url` (comma-separated). */
  cluster?: boolean;
}

/** The seed nodes of a cluster URL: `redis://h1:7000,redis://h2:7001` or `redis://h1:7000,h2:7001`. */
export function clusterSeeds(url: string): Array<{ host: string; port: number }> {
  const credentials = /^rediss?:\/\/([^@/]*@)?/.exec(url)?.[1] ?? "";
  return url.split(",").map((part) => {
    const trimmed = part.trim();
    const parsed = new URL(/^rediss?:\/\//.test(trimmed) ? trimmed : `redis://${credentials}${trimmed}`);
    return { host: parsed.hostname, port: Number(parsed.port || 6379) };
  });
}

function clusterAuth(url: string): { username?: string; password?: string; tls?: object } {
  const first = new URL(url.split(",")[0]?.trim() ?? url);
  return {
    ...(first.username ? { username: decodeURIComponent(first.username) } : {}),
    ...(first.password ? { password: decodeURIComponent(first.password) } : {}),
    ...(first.protocol === "rediss:" ? { tls: {} } : {}),
  };
}

/**
 * Commands written in one tick of the event loop leave in one socket write (`cork`, uncorked on the
 * next tick: Node's documented pattern). ioredis writes every command as it is sent, and on a busy
 * host each small loopback write costs more CPU than the command's own work: a lease cycle sends
 * about a dozen commands, many callers' commands fall in the same tick. Order and replies are
 * unchanged (ioredis still sees one write per command); only the syscalls are fewer.
 */
export function coalesceWrites(redis: Redis): void {
  const patch = (node: NodeRedis) => {
    node.on("connect", () => {
      const stream = (
        node as unknown as { stream?: NodeJS.WritableStream & { cork(): void; uncork(): void } }
      ).stream;
      if (!stream || (stream as { telesyncCoalesced?: boolean }).telesyncCoalesced) return;
      (stream as { telesyncCoalesced?: boolean }).telesyncCoalesced = true;
      const write = stream.write;
      let corked = false;
      const uncork = () => {
        corked = false;
        stream.uncork();
      };
      stream.write = function (this: unknown, ...args: unknown[]) {
        if (!corked) {
          corked = true;
          stream.cork();
          process.nextTick(uncork);
        }
        return (write as (...a: unknown[]) => boolean).apply(this, args);
      } as typeof stream.write;
    });
  };
  if (redis instanceof Cluster) redis.on("+node", patch);
  else patch(redis);
}

/**
 * ioredis connections for BullMQ and telesync's own keys. RESP2 until BullMQ is tested on
 * ioredis 6's RESP3 default. `target` is a URL (one server) or a `RedisTarget`. Writes made in one
 * tick leave together (`coalesceWrites`) unless `options.coalesceWrites` is false.
 */
export function createRedis(
  target: string | RedisTarget,
  role: RedisRole = "worker",
  { coalesceWrites: coalesce = true }: { coalesceWrites?: boolean } = {},
): Redis {
  const { url, cluster } = typeof target === "string" ? { url: target, cluster: false } : target;
  const failFast = role !== "worker";
  const options = {
    protocol: 2 as const,
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
  };
  const redis: Redis = cluster
    ? new Cluster(clusterSeeds(url), {
        redisOptions: { ...options, ...clusterAuth(url) },
        enableReadyCheck: true,
        // BullMQ blocks on its own connections: ask the slot's master, never a replica.
        scaleReads: "master",
        // A busy node answers CLUSTER SLOTS late; the 1 s default fails every command meanwhile.
        slotsRefreshTimeout: 3_000,
        ...(failFast ? { clusterRetryStrategy: (times: number) => Math.min(100 * times, 1_000) } : {}),
      })
    : new NodeRedis(url, options);
  // In place before the first "connect" (emitted on a later tick), and on every reconnect's stream.
  if (coalesce) coalesceWrites(redis);
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
