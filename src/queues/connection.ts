import { Redis } from "ioredis";

/**
 * ioredis connections for BullMQ. Workers need `maxRetriesPerRequest: null`; producers on the HTTP
 * path fail fast instead. RESP2 until BullMQ is tested on ioredis 6's RESP3 default.
 */
export function createRedis(url: string, role: "worker" | "producer" = "worker"): Redis {
  const redis = new Redis(url, {
    protocol: 2,
    maxRetriesPerRequest: role === "worker" ? null : 3,
    enableReadyCheck: true,
    lazyConnect: false,
  });
  // A connection error must not crash the process; ioredis reconnects by itself.
  redis.on("error", () => {});
  return redis;
}
