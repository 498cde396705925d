import type { Queue } from "bullmq";
import type { Redis } from "../queues/connection.js";
import type { AuthFailure, AuthPause } from "./auth-pause.js";
import type { BreakerStatus, CircuitBreaker } from "./circuit-breaker.js";

/** How long the oldest queued outcome may wait, with nothing completed meanwhile, before "stuck". */
export const defaultStuckAfterMs = 5 * 60_000;

/** One integration's writeback as `/healthz` and `/metrics` show it. */
export interface WritebackStatus {
  /**
   * ok; rate-limited (the CRM asked us to wait); breaker-open / breaker-half-open (the CRM is
   * failing, writeback paused or probing); auth-failed (the CRM refuses the credentials: writeback
   * waits for new ones); stuck (outcomes wait and nothing completes, unexplained).
   */
  status: "ok" | "rate-limited" | "breaker-open" | "breaker-half-open" | "auth-failed" | "stuck";
  /** Outcomes and consent changes not yet in the CRM (in the outbox, waiting, retrying, in flight). */
  backlog: number;
  /** Age of the oldest of them (ms, on Redis' clock against the enqueuing host's timestamp). */
  oldestAgeMs: number | null;
  lastCompletedAt: string | null;
  rateLimitedForMs: number;
  breaker: BreakerStatus;
  /** Present while the CRM refuses the integration's credentials. */
  auth?: AuthFailure;
}

/** Jobs read per state to find the oldest (delayed jobs are ordered by due time, not age). */
const oldestSample = 50;

export async function redisNowMs(redis: Redis): Promise<number> {
  const [seconds, micros] = await redis.time();
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}

/** Entries in an outbox, and when the oldest was appended (its stream id: Redis' clock, ms). */
async function outboxOldest(
  redis: Redis,
  key: string,
): Promise<{ length: number; oldest: number | undefined }> {
  const [length, first] = await Promise.all([redis.xlen(key), redis.xrange(key, "-", "+", "COUNT", 1)]);
  const id = first[0]?.[0];
  return { length, oldest: id ? Number(id.split("-")[0]) : undefined };
}

export async function readWritebackStatus(
  queue: Queue,
  breaker: CircuitBreaker,
  redis: Redis,
  stuckAfterMs = defaultStuckAfterMs,
  authPause?: Pick<AuthPause, "status">,
  /** The integration's writeback outbox (`WritebackIntake.outboxKey`): accepted, not yet queued. */
  outboxKey?: string,
): Promise<WritebackStatus> {
  const [counts, pending, lastDone, rateLimitTtl, breakerStatus, now, auth, outbox] = await Promise.all([
    queue.getJobCounts("waiting", "prioritized", "delayed", "active"),
    queue.getJobs(["waiting", "prioritized", "delayed", "active"], 0, oldestSample - 1, true),
    queue.getJobs(["completed"], 0, 0, false),
    queue.getRateLimitTtl(),
    breaker.status(),
    redisNowMs(redis),
    authPause?.status(),
    outboxKey ? outboxOldest(redis, outboxKey) : { length: 0, oldest: undefined },
  ]);
  const backlog = Object.values(counts).reduce((sum, n) => sum + n, outbox.length);
  const oldest = pending.reduce<number | undefined>(
    (min, job) => (job && (min === undefined || job.timestamp < min) ? job.timestamp : min),
    outbox.oldest,
  );
  const oldestAgeMs = backlog > 0 && oldest !== undefined ? Math.max(0, now - oldest) : null;
  const lastFinished = lastDone[0]?.finishedOn;
  const rateLimitedForMs = Math.max(0, rateLimitTtl);
  // Stuck: the oldest outcome waits past the threshold and nothing completed within it (or ever),
  // with no pause that explains it. A backlog draining at the CRM's ceiling is not stuck.
  const noRecentCompletion = lastFinished === undefined || now - lastFinished > stuckAfterMs;
  let status: WritebackStatus["status"] = "ok";
  if (auth) status = "auth-failed";
  else if (breakerStatus.state === "open") status = "breaker-open";
  else if (breakerStatus.state === "half-open") status = "breaker-half-open";
  else if (rateLimitedForMs > 0) status = "rate-limited";
  else if (oldestAgeMs !== null && oldestAgeMs > stuckAfterMs && noRecentCompletion) status = "stuck";
  return {
    status,
    backlog,
    oldestAgeMs,
    lastCompletedAt: lastFinished ? new Date(lastFinished).toISOString() : null,
    rateLimitedForMs,
    breaker: breakerStatus,
    ...(auth ? { auth } : {}),
  };
}
