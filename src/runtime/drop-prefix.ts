import { Cluster, Redis } from "ioredis";
import { clusterSeeds, type RedisTarget } from "../queues/connection.js";

/** Delete every key under a prefix on one server; SCAN, never KEYS. */
async function dropOnNode(redis: Redis, prefix: string, perKey: boolean): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
    cursor = next;
    if (keys.length === 0) continue;
    if (!perKey) {
      await redis.del(...keys);
      continue;
    }
    // A cluster node refuses a DEL whose keys hash to different slots: one key per DEL, pipelined.
    const pipeline = redis.pipeline();
    for (const key of keys) pipeline.del(key);
    await pipeline.exec();
  } while (cursor !== "0");
}

/**
 * Delete every key under a prefix (demo reset, test and benchmark cleanup). On a Redis Cluster each
 * master is scanned, since a node only lists the keys of its own slots.
 */
export async function dropPrefix(target: string | RedisTarget, prefix: string): Promise<void> {
  const { url, cluster } = typeof target === "string" ? { url: target, cluster: false } : target;
  if (!cluster) {
    const redis = new Redis(url, { maxRetriesPerRequest: 1 });
    try {
      await dropOnNode(redis, prefix, false);
    } finally {
      redis.disconnect();
    }
    return;
  }
  const redis = new Cluster(clusterSeeds(url), { redisOptions: { maxRetriesPerRequest: 1 } });
  try {
    await new Promise<void>((resolve, reject) => {
      redis.once("ready", resolve);
      redis.once("error", reject);
    });
    await Promise.all(redis.nodes("master").map((node) => dropOnNode(node, prefix, true)));
  } finally {
    redis.disconnect();
  }
}
