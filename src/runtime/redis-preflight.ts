import { Redis } from "ioredis";
import { clusterSeeds, type RedisTarget } from "../queues/connection.js";
import { printableRedisUrl, StartupError } from "./startup-error.js";

/** A probe connection: one try, no retries, no queue, every wait bounded. */
function oneShot(timeoutMs: number) {
  return {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  } as const;
}

/**
 * Fail fast before anything that retries forever (BullMQ workers) connects: one PING with a short
 * connect timeout and no retries. The error names the URL tried and where it comes from.
 */
export async function assertRedisReachable(
  target: string | RedisTarget,
  options: { timeoutMs?: number; source?: string } = {},
): Promise<void> {
  const { url, cluster } = typeof target === "string" ? { url: target, cluster: false } : target;
  if (cluster) return assertClusterReachable(url, options);
  const timeoutMs = options.timeoutMs ?? 3_000;
  const redis = new Redis(url, oneShot(timeoutMs));
  redis.on("error", () => {});
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new StartupError(
      `Redis is unreachable at ${printableRedisUrl(url)} (${reason}). Set REDIS_URL or redis.url in ${options.source ?? "the config"} to a running Redis 7, or start one: redis-server --port 6379`,
      { cause: error },
    );
  } finally {
    redis.disconnect();
  }
}

/** A Redis Cluster: some seed node answers and says the cluster is ok (every slot served). */
async function assertClusterReachable(
  url: string,
  options: { timeoutMs?: number; source?: string },
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 3_000;
  const reasons: string[] = [];
  for (const seed of clusterSeeds(url)) {
    const redis = new Redis({ host: seed.host, port: seed.port, ...oneShot(timeoutMs) });
    redis.on("error", () => {});
    try {
      await redis.connect();
      const info = String(await redis.call("CLUSTER", "INFO"));
      if (/cluster_state:ok/.test(info)) return;
      reasons.push(
        `${seed.host}:${seed.port} says ${/cluster_state:\w+/.exec(info)?.[0] ?? "no cluster state"}`,
      );
    } catch (error) {
      reasons.push(`${seed.host}:${seed.port}: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      redis.disconnect();
    }
  }
  throw new StartupError(
    `Redis Cluster is not usable at ${printableRedisUrl(url)} (${reasons.join("; ")}). Set redis.url in ${options.source ?? "the config"} to the cluster's nodes, or set redis.cluster: false for a single server`,
  );
}
