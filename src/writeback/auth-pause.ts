import type { Redis } from "../queues/connection.js";
import { redisKeys } from "../queues/keys.js";
import { redisNowMs } from "./writeback-status.js";

/** How often a paused integration tries its credentials again (one batch), by default. */
export const defaultAuthRetryMs = 60_000;

/** An integration whose CRM refused its credentials, as `/healthz` shows it. */
export interface AuthFailure {
  /** The connector's classified reason (e.g. `invalid_grant: expired access/refresh token`). */
  reason: string;
  /** Since when (ISO, Redis' clock): the first refusal of this episode. */
  since: string;
}

/**
 * The integration's "credentials refused" state, shared by every worker through Redis
 * (`<prefix>:auth-failed:<integration>`): set when a CRM call fails with an auth error that the
 * connector's own refresh could not fix (revoked refresh token, deactivated user, revoked private
 * app token), cleared by the next CRM call that succeeds. No TTL: it lasts as long as the cause, so
 * `/healthz` says so all along, not only while a retry timer runs. Writeback waits (the jobs keep
 * their attempts: a revoked token is an operator's problem, not the outcome's) and one batch tries
 * again every `retryMs`. `fail` and `clear` say whether they changed the state: one log line per
 * change, not per request.
 */
export class AuthPause {
  private readonly key: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    readonly integrationId: string,
  ) {
    this.key = redisKeys(prefix).authFailed(integrationId);
  }

  /** Record a refusal; true when the integration was not already paused for it. */
  async fail(reason: string): Promise<boolean> {
    const since = new Date(await redisNowMs(this.redis)).toISOString();
    const set = await this.redis.set(this.key, JSON.stringify({ reason, since }), "NX");
    if (set === "OK") return true;
    // Keep `since`, refresh the reason (it may have changed, e.g. a deactivated user now revoked).
    const current = await this.status();
    await this.redis.set(this.key, JSON.stringify({ reason, since: current?.since ?? since }), "XX");
    return false;
  }

  /** A CRM call succeeded: the credentials work. True when this lifted the pause. */
  async clear(): Promise<boolean> {
    return (await this.redis.del(this.key)) === 1;
  }

  async status(): Promise<AuthFailure | undefined> {
    const stored = await this.redis.get(this.key);
    if (stored === null) return undefined;
    try {
      const parsed = JSON.parse(stored) as Partial<AuthFailure>;
      return { reason: String(parsed.reason ?? "credentials refused"), since: String(parsed.since ?? "") };
    } catch {
      return { reason: "credentials refused", since: "" };
    }
  }
}
