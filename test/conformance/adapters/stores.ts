import { Redis } from "ioredis";
import type { ConnectorContext, ConnectorLogger } from "../../../connectors/types.js";
import { RedisRateLimiter } from "../../../src/runtime/redis-rate-limiter.js";
import { RedisTokenStore } from "../../../src/runtime/redis-token-store.js";
import { RedisWriteLedger } from "../../../src/runtime/redis-write-ledger.js";
import { dropPrefix, redisUrl, uniquePrefix } from "../../support/redis.js";

const silentLog: ConnectorLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** The real Redis stores a connector gets in production, under a prefix of its own. */
export interface RedisStores {
  prefix: string;
  tokens: RedisTokenStore;
  rateLimiter: RedisRateLimiter;
  context(integrationId: string, now: () => number): ConnectorContext;
  /** Disconnect and delete every key under the prefix. */
  close(): Promise<void>;
}

export function redisStores(): RedisStores {
  const prefix = uniquePrefix();
  const redis = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });
  const tokens = new RedisTokenStore(redis, prefix);
  const rateLimiter = new RedisRateLimiter(redis, prefix);
  const writeLedger = new RedisWriteLedger(redis, prefix);
  return {
    prefix,
    tokens,
    rateLimiter,
    context: (integrationId, now) => ({
      integrationId,
      tokens,
      rateLimiter,
      writeLedger,
      log: silentLog,
      now,
    }),
    close: async () => {
      await redis.quit();
      await dropPrefix(prefix);
    },
  };
}
