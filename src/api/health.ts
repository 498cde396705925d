import type { CrmConnector } from "../../connectors/types.js";
import type { TelesyncConfig } from "../config/schema.js";
import type { Redis } from "../queues/connection.js";
import { AuthPause } from "../writeback/auth-pause.js";
import { CircuitBreaker } from "../writeback/circuit-breaker.js";
import type { WritebackIntake } from "../writeback/outcome-intake.js";
import {
  defaultStuckAfterMs,
  readWritebackStatus,
  type WritebackStatus,
} from "../writeback/writeback-status.js";

export interface HealthOptions {
  /** See `readWritebackStatus`; default 5 min. */
  stuckAfterMs?: number;
}

/** `/healthz` answers within this, whatever its dependencies do. */
export const healthBudgetMs = 900;
const pingBudgetMs = 400;

export interface HealthReport {
  /** ok; degraded (a CRM failing or paused: telesync waits for it); unhealthy (Redis down, or stuck). */
  status: "ok" | "degraded" | "unhealthy";
  /** Dependencies down now: `redis`, `crm:<integration>` (breaker open or probing, credentials refused). */
  down: string[];
  checks: {
    /** "ok", or why not. */
    redis: string;
    writeback?: Record<string, WritebackStatus> | string;
    /** Integrations paused by a CRM daily limit. */
    pausedIntegrations?: Record<string, { until: string; reason: string }>;
  };
}

class Timeout extends Error {}

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Timeout(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

async function pingRedis(redis: Redis): Promise<string> {
  if (redis.status !== "ready") return `down: connection ${redis.status}`;
  try {
    return (await within(redis.ping(), pingBudgetMs)) === "PONG" ? "ok" : "down: unexpected reply";
  } catch (error) {
    return `down: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/**
 * What `/healthz` reports, within `healthBudgetMs`: Redis first (nothing else is readable without
 * it), then each integration's writeback (backlog, oldest age, breaker, rate limit) and CRM pauses.
 */
/** What the health check reads: the integrations, Redis and each integration's connector. */
export interface HealthHost {
  config: Pick<TelesyncConfig, "integrations">;
  redis: Redis;
  prefix: string;
  connector(integrationId: string): Pick<CrmConnector, "currentPause">;
}

export async function checkHealth(
  telesync: HealthHost,
  intake: Pick<WritebackIntake, "queue" | "outboxKey">,
  options: HealthOptions = {},
): Promise<HealthReport> {
  const started = Date.now();
  const redis = await pingRedis(telesync.redis);
  if (redis !== "ok") return { status: "unhealthy", down: ["redis"], checks: { redis } };
  const integrations = Object.keys(telesync.config.integrations);
  const down: string[] = [];
  let unhealthy = false;
  let degraded = false;
  const read = async () => {
    const writeback: Record<string, WritebackStatus> = {};
    const pausedIntegrations: Record<string, { until: string; reason: string }> = {};
    await Promise.all(
      integrations.map(async (id) => {
        const breaker = new CircuitBreaker(telesync.redis, telesync.prefix, id);
        const [status, pause] = await Promise.all([
          readWritebackStatus(
            intake.queue(id),
            breaker,
            telesync.redis,
            options.stuckAfterMs ?? defaultStuckAfterMs,
            new AuthPause(telesync.redis, telesync.prefix, id),
            intake.outboxKey(id),
          ),
          telesync.connector(id).currentPause?.(),
        ]);
        writeback[id] = status;
        if (pause) {
          pausedIntegrations[id] = {
            until: new Date(pause.untilEpochMs).toISOString(),
            reason: pause.reason,
          };
        }
      }),
    );
    return { writeback, pausedIntegrations };
  };
  try {
    const { writeback, pausedIntegrations } = await within(read(), healthBudgetMs - (Date.now() - started));
    for (const id of integrations) {
      const status = writeback[id]?.status;
      if (status === "stuck") unhealthy = true;
      if (status === "breaker-open" || status === "breaker-half-open" || status === "auth-failed") {
        down.push(`crm:${id}`);
        degraded = true;
      }
      if (status === "rate-limited" || pausedIntegrations[id]) degraded = true;
    }
    return {
      status: unhealthy ? "unhealthy" : degraded ? "degraded" : "ok",
      down,
      checks: { redis, writeback, pausedIntegrations },
    };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { status: "degraded", down, checks: { redis, writeback: `unknown: ${reason}` } };
  }
}
