import { z } from "zod";
import { CrmError } from "../../src/errors.js";
import type { ConnectorContext } from "../types.js";
import type { HubspotIntegration } from "./config.js";

/** Where the bearer token of each request comes from. */
export interface HubspotAuth {
  /** The access token to send now. */
  token(): Promise<string>;
  /**
   * HubSpot rejected `rejected` (401): get a fresh token. If another worker already stored a newer
   * one, that one is used instead of refreshing again.
   */
  refresh(rejected: string): Promise<string>;
  /**
   * A token straight from the configured credentials, never a stored one (`telesync check --live`:
   * a wrong client secret or refresh token must fail even while an older token still works). Later
   * calls use it.
   */
  fresh(): Promise<string>;
  readonly canRefresh: boolean;
}

/** `POST /oauth/v1/token` form fields for a refresh. */
export interface RefreshForm {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

/** The SDK's `TokenResponseIF` (camel-cased by the SDK). */
const tokenResponseSchema = z.object({
  accessToken: z.string().min(1),
  expiresIn: z.number().optional(),
  tokenType: z.string().optional(),
});

/** Sends the refresh request (through the SDK, rate limited but unauthenticated). */
export type TokenRequester = (form: RefreshForm) => Promise<unknown>;

class PrivateAppAuth implements HubspotAuth {
  readonly canRefresh = false;
  constructor(private readonly accessToken: string) {}
  async token(): Promise<string> {
    return this.accessToken;
  }
  async refresh(): Promise<string> {
    throw new CrmError({ kind: "auth", reason: "HubSpot rejected the private app access token" });
  }
  async fresh(): Promise<string> {
    return this.accessToken;
  }
}

/**
 * OAuth: the access token lives in `ctx.tokens` (Redis), shared by every worker of the integration;
 * a 401 triggers one refresh with the refresh token.
 * https://developers.hubspot.com/docs/api/oauth/tokens
 */
class OAuthAuth implements HubspotAuth {
  readonly canRefresh = true;
  private inflight: Promise<string> | undefined;
  private cached: string | undefined;

  constructor(
    private readonly integrationId: string,
    private readonly form: RefreshForm,
    private readonly ctx: ConnectorContext,
    private readonly requestToken: TokenRequester,
  ) {}

  async token(): Promise<string> {
    if (this.cached) return this.cached;
    const stored = await this.ctx.tokens.get(this.integrationId);
    if (stored) {
      this.cached = stored;
      return stored;
    }
    return this.refresh(undefined);
  }

  refresh(rejected: string | undefined): Promise<string> {
    // One refresh at a time per process; concurrent 401s share it.
    this.inflight ??= this.doRefresh(rejected).finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  fresh(): Promise<string> {
    return this.issue();
  }

  private async doRefresh(rejected: string | undefined): Promise<string> {
    const stored = await this.ctx.tokens.get(this.integrationId);
    if (stored && stored !== rejected) {
      this.cached = stored;
      return stored;
    }
    return this.issue();
  }

  private async issue(): Promise<string> {
    const response = tokenResponseSchema.parse(await this.requestToken(this.form));
    await this.ctx.tokens.set(this.integrationId, response.accessToken);
    this.cached = response.accessToken;
    this.ctx.log.info(
      { integration: this.integrationId, expiresIn: response.expiresIn },
      "hubspot access token refreshed",
    );
    return response.accessToken;
  }
}

export function createHubspotAuth(
  config: HubspotIntegration,
  ctx: ConnectorContext,
  requestToken: TokenRequester,
): HubspotAuth {
  if (config.auth.type === "private_app") return new PrivateAppAuth(config.auth.accessToken);
  const { clientId, clientSecret, refreshToken } = config.auth;
  return new OAuthAuth(ctx.integrationId, { clientId, clientSecret, refreshToken }, ctx, requestToken);
}
