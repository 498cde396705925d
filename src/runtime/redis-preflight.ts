import { Redis } from "ioredis";
import { printableRedisUrl, StartupError } from "./startup-error.js";

/**
 * Fail fast before anything that retries forever (BullMQ workers) connects: one PING with a short
 * connect timeout and no retries. The error names the URL tried and where it comes from.
 */
export async function assertRedisReachable(
  url: string,
  options: { timeoutMs?: number; source?: string } = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 3_000;
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
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
