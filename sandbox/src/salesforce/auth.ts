import { createHmac, randomBytes } from "node:crypto";

export interface Credentials {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

/** An OAuth answer: `status` 200 with a token, or 400 with Salesforce's `{error, error_description}`. */
export interface TokenResponse {
  status: number;
  body: Record<string, string>;
}

function oauthError(error: string, description: string): TokenResponse {
  return { status: 400, body: { error, error_description: description } };
}

/** Issued access tokens and the OAuth token endpoint's grant handling. Token lifetimes use real time. */
export class TokenRegistry {
  private readonly tokens = new Map<string, number>();
  /** What the token endpoint grants (`scope` of its answers). */
  scope = "api refresh_token";

  constructor(
    readonly credentials: Credentials,
    private readonly orgId: string,
    private readonly userId: string,
    private readonly ttlMs: number,
  ) {}

  issue(): string {
    const token = `${this.orgId.slice(0, 15)}!${randomBytes(32).toString("base64url")}`;
    this.tokens.set(token, Date.now() + this.ttlMs);
    return token;
  }

  isValid(token: string | undefined): boolean {
    if (!token) return false;
    const expiry = this.tokens.get(token);
    if (expiry === undefined) return false;
    if (expiry > Date.now()) return true;
    this.tokens.delete(token);
    return false;
  }

  expireAll(): void {
    this.tokens.clear();
  }

  /**
   * The refresh token is revoked (an admin revoked the connected app's access, or the user's OAuth
   * tokens): it and every access token issued from it stop working; the token endpoint answers
   * `invalid_grant`. Re-authorizing yields `replacement`, the refresh token accepted from now on.
   */
  revoke(replacement: string): void {
    this.tokens.clear();
    this.credentials.refreshToken = replacement;
  }

  /**
   * `POST /services/oauth2/token` with `refresh_token` or `client_credentials` grants. Error codes
   * follow Salesforce: an unknown client id, a wrong secret and a bad refresh token differ.
   */
  grant(params: Record<string, string | undefined>, instanceUrl: string): TokenResponse {
    const { clientId, clientSecret, refreshToken } = this.credentials;
    const grantType = params.grant_type;
    if (grantType !== "refresh_token" && grantType !== "client_credentials") {
      return oauthError("unsupported_grant_type", "grant type not supported");
    }
    if (params.client_id !== clientId) return oauthError("invalid_client_id", "client identifier invalid");
    if (grantType === "client_credentials" || params.client_secret !== undefined) {
      if (params.client_secret !== clientSecret)
        return oauthError("invalid_client", "invalid client credentials");
    }
    if (grantType === "refresh_token" && params.refresh_token !== refreshToken) {
      return oauthError("invalid_grant", "expired access/refresh token");
    }
    const issuedAt = String(Date.now());
    const id = `${instanceUrl}/id/${this.orgId}/${this.userId}`;
    return {
      status: 200,
      body: {
        access_token: this.issue(),
        signature: createHmac("sha256", clientSecret)
          .update(id + issuedAt)
          .digest("base64"),
        scope: this.scope,
        instance_url: instanceUrl,
        id,
        token_type: "Bearer",
        issued_at: issuedAt,
      },
    };
  }
}
