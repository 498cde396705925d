import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";

export function redisUrl(): string {
  return process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
}

/** A key prefix no other test uses (hash-tagged like production), so tests never see each other's keys. */
export function uniquePrefix(): string {
  return `{t-${randomUUID().slice(0, 12)}}`;
}

/** Delete every key under a prefix (call in afterEach). */
export async function dropPrefix(prefix: string): Promise<void> {
  const redis = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}
