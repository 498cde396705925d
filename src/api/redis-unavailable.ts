import type { FastifyReply } from "fastify";
import type { Redis } from "../queues/connection.js";

/** Seconds a client should wait before retrying while Redis is away (ioredis retries ≤ 1 s apart). */
export const redisRetryAfterSeconds = 2;

/** The stable error code of every 503 caused by Redis being unreachable. */
export const redisUnavailableCode = "redis_unavailable";

/**
 * True for the errors ioredis and BullMQ raise when Redis cannot be reached in time (as opposed to
 * a Redis reply error such as WRONGTYPE, which is a bug and stays a 500).
 */
export function isRedisUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (
      e.name === "MaxRetriesPerRequestError" ||
      e.name === "ConnectionClosedError" ||
      e.name === "ClusterAllFailedError"
    )
      return true;
    const code = (e as { code?: unknown }).code;
    if (code === "ECONNREFUSED" || code === "ECONNRESET" || code === "ETIMEDOUT" || code === "EPIPE")
      return true;
    if (
      /Command timed out|Stream isn't writeable|Connection is closed|Reached the max retries per request/i.test(
        e.message,
      ) ||
      // Redis Cluster: no master for the slot (failover in progress) or a slot moving mid-reshard.
      /^(CLUSTERDOWN|TRYAGAIN)\b|Cluster isn't ready|Failed to refresh slots cache/.test(e.message)
    )
      return true;
  }
  return false;
}

/** True when every connection the API path uses is connected. */
export function redisReady(connections: ReadonlyArray<Pick<Redis, "status">>): boolean {
  return connections.every((c) => c.status === "ready");
}

export function sendRedisUnavailable(reply: FastifyReply): FastifyReply {
  return reply
    .code(503)
    .header("retry-after", String(redisRetryAfterSeconds))
    .send({ error: redisUnavailableCode, message: "Redis is unreachable; retry shortly" });
}
