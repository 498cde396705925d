// jsforce's core only: its index also loads every API module (streaming with faye and a cookie jar
// with the public suffix list, bulk, metadata, SOAP, ...), ~12 MiB RSS a sync never uses. The change
// stream loads the Streaming API itself (change-stream.ts).
import { Connection } from "jsforce/lib/core.js";
import { z } from "zod";
import { CrmError } from "../../src/errors.js";
import type { ConnectorContext, RateBudget } from "../types.js";
import { apiBudgetExhausted } from "./api-budget.js";
import { classifyError } from "./classify-error.js";
import type { SalesforceIntegration } from "./config.js";
import { installCapture, withCapture } from "./http-capture.js";

/**
 * OAuth token response (refresh_token and client_credentials flows).
 * https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_refresh_token_flow.htm
 */
export const tokenResponseSchema = z
  .object({
    access_token: z.string().min(1),
    /** Space-separated scopes granted (`api refresh_token …`). */
    scope: z.string().optional(),
    instance_url: z.string().optional(),
    id: z.string().optional(),
    token_type: z.string().optional(),
    issued_at: z.string().optional(),
    signature: z.string().optional(),
  })
  .loose();
export type TokenResponse = z.infer<typeof tokenResponseSchema>;

/**
 * The client credentials flow must call the org's My Domain, not the shared login hosts ("request not
 * supported on this domain").
 * https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_client_credentials_flow.htm
 */
function tokenHost(config: SalesforceIntegration): string {
  if (
    config.auth.type === "client_credentials" &&
    /^https:\/\/(login|test)\.salesforce\.com\/?$/.test(config.loginUrl)
  ) {
    return config.instanceUrl;
  }
  return config.loginUrl;
}

/**
 * One jsforce connection with tokens shared through `ctx.tokens` (Redis): it starts from the shared token,
 * else the configured one, else fetches one. On `401 INVALID_SESSION_ID` jsforce calls `refresh`, which
 * first adopts a token another worker stored, else fetches a new one and stores it before jsforce retries
 * the call. A fresh token that is rejected again is an auth error, not another refresh: jsforce 3.10.16
 * would otherwise refresh forever (lib/http-api.js retries after every refresh).
 */
export class SalesforceSession {
  readonly conn: Connection;
  private started: Promise<void> | undefined;
  /** Tokens fetched on a 401 since the last call that succeeded: a second one will not help. */
  private fetchesSinceSuccess = 0;
  private lastRefreshError: unknown;
  private budgetBlockedUntil = 0;

  constructor(
    private readonly config: SalesforceIntegration,
    private readonly ctx: ConnectorContext,
    private readonly now: () => number = Date.now,
    requestTimeoutMs?: number,
  ) {
    const { auth } = config;
    const loginUrl = tokenHost(config);
    this.conn = new Connection({
      oauth2: { clientId: auth.clientId, clientSecret: auth.clientSecret, loginUrl },
      loginUrl,
      instanceUrl: config.instanceUrl,
      // jsforce defaults to 50.0: always explicit.
      version: config.apiVersion,
      ...(auth.type === "refresh_token" ? { refreshToken: auth.refreshToken } : {}),
      refreshFn: (conn, callback) => {
        this.refresh(conn.accessToken ?? undefined).then(
          (token) => callback(null, token),
          (error: unknown) => {
            this.lastRefreshError = error;
            callback(error instanceof Error ? error : new Error(String(error)));
          },
        );
      },
    });
    installCapture(this.conn, {
      requestTimeoutMs: requestTimeoutMs ?? config.requestTimeoutMs,
      queryTimeoutMs: requestTimeoutMs ?? config.queryTimeoutMs,
    });
    this.conn.on("refresh", () =>
      this.ctx.log.info({ integration: this.ctx.integrationId }, "salesforce token refreshed"),
    );
  }

  /**
   * Run one jsforce call with a token in place. Errors come out classifiable: HTTP errors with their
   * status, and a failed refresh as the refresh's own error rather than jsforce's wrapper.
   */
  async call<T>(fn: (conn: Connection) => PromiseLike<T>): Promise<T> {
    this.started ??= this.start().finally(() => {
      if (!this.conn.accessToken) this.started = undefined;
    });
    await this.started;
    this.checkBudget();
    try {
      const result = await withCapture(() => fn(this.conn));
      this.fetchesSinceSuccess = 0;
      this.ctx.meter?.("ok");
      return result;
    } catch (error) {
      this.ctx.meter?.(classifyError(error).kind === "rate-limited" ? "rate-limited" : "error");
      if (
        error instanceof Error &&
        error.message.startsWith("Unable to refresh session") &&
        this.lastRefreshError
      ) {
        throw this.lastRefreshError;
      }
      throw error;
    }
  }

  /** The org's daily API allowance as the last response's `Sforce-Limit-Info` said (unknown before one). */
  dailyBudget(): RateBudget[] {
    const usage = this.conn.limitInfo?.apiUsage;
    if (!usage) return [];
    return [{ window: "daily", limit: usage.limit, remaining: Math.max(0, usage.limit - usage.used) }];
  }

  /** Stop short of the org's daily quota; after the wait, one call goes through and reads the usage again. */
  private checkBudget(): void {
    const now = this.now();
    if (now < this.budgetBlockedUntil) {
      const reason = `Salesforce daily API budget paused until ${new Date(this.budgetBlockedUntil).toISOString()}`;
      throw new CrmError({
        kind: "rate-limited",
        scope: "daily",
        waitMs: this.budgetBlockedUntil - now,
        reason,
      });
    }
    const exhausted = apiBudgetExhausted(this.conn.limitInfo);
    if (exhausted?.kind !== "rate-limited") return;
    this.budgetBlockedUntil = now + exhausted.waitMs;
    this.conn.limitInfo = {};
    throw new CrmError(exhausted);
  }

  private async start(): Promise<void> {
    const stored = await this.ctx.tokens.get(this.ctx.integrationId);
    if (stored) {
      this.conn.accessToken = stored;
      return;
    }
    if (this.config.auth.type === "refresh_token" && this.config.auth.accessToken) {
      this.conn.accessToken = this.config.auth.accessToken;
      return;
    }
    this.conn.accessToken = await this.fetchToken();
  }

  private async refresh(rejected: string | undefined): Promise<string> {
    const stored = await this.ctx.tokens.get(this.ctx.integrationId);
    if (stored && stored !== rejected) return stored;
    if (this.fetchesSinceSuccess >= 1) {
      throw new CrmError({
        kind: "auth",
        reason:
          "Salesforce rejected a freshly issued access token (INVALID_SESSION_ID): check the connected app's policies and the integration user's API permission",
      });
    }
    // Counted once a token was issued: a refresh the token endpoint refused (a revoked refresh token,
    // `invalid_grant`) issued nothing, and the next 401 must surface that refusal again, not this one.
    const token = await this.fetchToken();
    this.fetchesSinceSuccess++;
    return token;
  }

  /**
   * A token straight from the token endpoint, never a stored one (`telesync check --live`: a wrong
   * client secret or refresh token must fail even while an older token still works). Later calls
   * use it. Returns the whole token response (scopes, identity URL).
   */
  async freshToken(): Promise<TokenResponse> {
    const response = await this.requestToken();
    this.conn.accessToken = response.access_token;
    this.started = Promise.resolve();
    return response;
  }

  /** Ask the token endpoint for a new access token and share it with the other workers. */
  private async fetchToken(): Promise<string> {
    return (await this.requestToken()).access_token;
  }

  private async requestToken(): Promise<TokenResponse> {
    const { auth } = this.config;
    const raw =
      auth.type === "refresh_token"
        ? await this.conn.oauth2.refreshToken(auth.refreshToken)
        : await this.conn.oauth2.requestToken({ grant_type: "client_credentials" });
    const parsed = tokenResponseSchema.safeParse(raw);
    if (!parsed.success) {
      throw new CrmError({
        kind: "retry",
        ambiguous: false,
        reason: "Salesforce token endpoint answered without an access_token",
      });
    }
    await this.ctx.tokens.set(this.ctx.integrationId, parsed.data.access_token);
    this.ctx.log.info(
      { integration: this.ctx.integrationId, flow: auth.type },
      "salesforce access token issued",
    );
    return parsed.data;
  }
}
