import { ensureLocalRedis, type LocalRedis } from "../../src/runtime/local-redis.js";

/** Tests need a real Redis: REDIS_URL, else 127.0.0.1:6379, else a throwaway redis-server. */
let redis: LocalRedis | undefined;

export async function setup(): Promise<void> {
  redis = await ensureLocalRedis();
  process.env.REDIS_URL = redis.url;
}

export async function teardown(): Promise<void> {
  redis?.stop();
}
