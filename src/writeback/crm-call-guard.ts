import type { Queue } from "bullmq";
import type { CrmConnector } from "../../connectors/types.js";
import type { ErrorClass } from "../errors.js";
import type { Logger } from "../observability/logger.js";
import type { AuthPause } from "./auth-pause.js";
import { BreakerOpenError, type BreakerVerdict, type CircuitBreaker } from "./circuit-breaker.js";

export interface CrmCallGuardDependencies {
  integrationId: string;
  breaker: Pick<CircuitBreaker, "permit" | "failure" | "success">;
  authPause: Pick<AuthPause, "clear">;
  connector: Pick<CrmConnector, "classifyError">;
  /** The writeback queue: paused while the breaker is open, released when it closes. */
  queue: Pick<Queue, "rateLimit" | "removeRateLimitKey" | "promoteJobs">;
  log: Logger;
}

/**
 * Every CRM call of a writeback worker (a whole batch) goes through here: refused while the
 * circuit breaker is open, counted as a failure when the CRM fails in a retryable way, as a success
 * when it answers; an accepted record lifts a pause for refused credentials.
 */
export class CrmCallGuard {
  constructor(private readonly deps: CrmCallGuardDependencies) {}

  async call<T>(call: () => Promise<T>): Promise<T> {
    const { breaker } = this.deps;
    const permit = await breaker.permit();
    this.breakerChanged(permit);
    if (!permit.allowed) throw new BreakerOpenError(this.deps.integrationId, permit.waitMs);
    let outcome: T;
    try {
      outcome = await call();
    } catch (error) {
      const failure = this.deps.connector.classifyError(error);
      if (failure.kind === "retry") await this.record(breaker.failure(failure.reason));
      throw error;
    }
    // A batch answered with every record failed in a retryable way (HubSpot's connector reports a
    // hung or reset batch request per record rather than throwing) is a failing CRM, not an answer.
    const results = Array.isArray(outcome) ? (outcome as Array<{ ok?: unknown; error?: ErrorClass }>) : [];
    const allRetryable =
      results.length > 0 && results.every((r) => r.ok === false && r.error?.kind === "retry");
    await this.record(
      allRetryable ? breaker.failure(results[0]?.error?.reason ?? "batch failed") : breaker.success(),
    );
    // Credentials work once the CRM took a record: a batch answered with per-record 401s (HubSpot's
    // batch endpoints) is no proof.
    const accepted = !Array.isArray(outcome) || results.some((r) => r.ok === true);
    if (accepted)
      await this.deps.authPause.clear().then(
        (lifted) => {
          if (lifted)
            this.deps.log.info(
              { integration: this.deps.integrationId },
              "CRM accepted the credentials again: writeback resumes",
            );
        },
        () => {},
      );
    return outcome;
  }

  /** The breaker's bookkeeping never fails the write it describes (Redis away: the write decides). */
  private record(verdict: Promise<BreakerVerdict>): Promise<void> {
    return verdict.then(
      (v) => this.breakerChanged(v),
      () => {},
    );
  }

  /** One log line per state change (the caller that made it), and on closing drain at full speed. */
  private breakerChanged(verdict: BreakerVerdict): void {
    if (!verdict.changedFrom) return;
    const { queue } = this.deps;
    const log = this.deps.log.child({ integration: this.deps.integrationId, breaker: verdict.state });
    if (verdict.state === "open") {
      log.warn(
        { from: verdict.changedFrom, retryInMs: verdict.waitMs },
        "CRM failing: circuit breaker open, writeback paused",
      );
      void queue.rateLimit(verdict.waitMs).catch(() => {});
    } else if (verdict.state === "half-open") {
      log.info({ from: verdict.changedFrom }, "CRM circuit breaker half-open: probing with one batch");
    } else {
      log.info({ from: verdict.changedFrom }, "CRM answered: circuit breaker closed, writeback resumes");
      // Retries parked by backoff during the outage go now, and the pause is lifted.
      void Promise.all([queue.removeRateLimitKey(), queue.promoteJobs()]).catch(() => {});
    }
  }
}
