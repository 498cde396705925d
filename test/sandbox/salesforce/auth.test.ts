import jsforce from "jsforce";
import { describe, expect, it } from "vitest";
import { connect, dataPath, raw, sandboxServer } from "./helpers.js";

async function token(url: string, params: Record<string, string>) {
  const response = await fetch(`${url}/services/oauth2/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(params),
  });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

describe("OAuth and sessions", () => {
  it("refreshes with the refresh token after expireTokens and retries the call", async () => {
    const sandbox = await sandboxServer();
    sandbox.salesforce.seedLeads(3);
    const conn = connect(sandbox);
    const refreshed: string[] = [];
    conn.on("refresh", (accessToken: string) => refreshed.push(accessToken));
    expect((await conn.query("SELECT Id FROM Lead")).totalSize).toBe(3);
    sandbox.salesforce.expireTokens();
    expect((await conn.query("SELECT Id FROM Lead")).totalSize).toBe(3);
    expect(refreshed).toHaveLength(1);
    expect(conn.accessToken).toBe(refreshed[0]);
    expect(conn.instanceUrl).toBe(sandbox.url);
    expect(sandbox.salesforce.stats()).toMatchObject({ token: 1, query: 3 });
  });

  it("answers 401 INVALID_SESSION_ID for unknown or missing tokens", async () => {
    const sandbox = await sandboxServer();
    for (const t of ["nope", null]) {
      const res = await raw(sandbox, dataPath("/query?q=SELECT+Id+FROM+Lead"), { token: t });
      expect(res.status).toBe(401);
      expect(res.body).toEqual([{ message: "Session expired or invalid", errorCode: "INVALID_SESSION_ID" }]);
    }
  });

  it("issues tokens for refresh_token and client_credentials grants", async () => {
    const sandbox = await sandboxServer({
      salesforce: { clientId: "cid", clientSecret: "sec", refreshToken: "rt" },
    });
    const refresh = await token(sandbox.url, {
      grant_type: "refresh_token",
      client_id: "cid",
      client_secret: "sec",
      refresh_token: "rt",
    });
    expect(refresh.status).toBe(200);
    expect(refresh.body).toMatchObject({ instance_url: sandbox.url, token_type: "Bearer" });
    expect(refresh.body.id).toMatch(new RegExp(`^${sandbox.url}/id/00D\\w{15}/005\\w{15}$`));
    expect(Number(refresh.body.issued_at)).toBeGreaterThan(0);
    expect(refresh.body.signature).toBeTruthy();
    const viaCredentials = await token(sandbox.url, {
      grant_type: "client_credentials",
      client_id: "cid",
      client_secret: "sec",
    });
    expect(viaCredentials.status).toBe(200);
    const conn = new jsforce.Connection({
      instanceUrl: sandbox.url,
      accessToken: viaCredentials.body.access_token!,
      version: "62.0",
    });
    await expect(conn.query("SELECT Id FROM Lead")).resolves.toMatchObject({ totalSize: 0 });
  });

  it("rejects bad credentials with OAuth error bodies", async () => {
    const sandbox = await sandboxServer();
    const { clientId, clientSecret } = sandbox.salesforce.credentials;
    const badToken = await token(sandbox.url, {
      grant_type: "refresh_token",
      client_id: clientId,
      client_secret: clientSecret,
      refresh_token: "stolen",
    });
    expect(badToken).toEqual({
      status: 400,
      body: { error: "invalid_grant", error_description: "expired access/refresh token" },
    });
    const badSecret = await token(sandbox.url, {
      grant_type: "client_credentials",
      client_id: clientId,
      client_secret: "x",
    });
    expect(badSecret.body.error).toBe("invalid_client");
    const badClient = await token(sandbox.url, {
      grant_type: "client_credentials",
      client_id: "x",
      client_secret: "x",
    });
    expect(badClient.body.error).toBe("invalid_client_id");
    const badGrant = await token(sandbox.url, { grant_type: "password" });
    expect(badGrant.body.error).toBe("unsupported_grant_type");
  });

  it("reports api usage in Sforce-Limit-Info and enforces the daily limit", async () => {
    const sandbox = await sandboxServer({ salesforce: { apiLimit: 3 } });
    const conn = connect(sandbox);
    await conn.query("SELECT Id FROM Lead");
    expect(conn.limitInfo).toEqual({ apiUsage: { used: 1, limit: 3 } });
    await conn.query("SELECT Id FROM Lead");
    await conn.query("SELECT Id FROM Lead");
    await expect(conn.query("SELECT Id FROM Lead")).rejects.toMatchObject({
      errorCode: "REQUEST_LIMIT_EXCEEDED",
    });
    const limits = await raw(sandbox, dataPath("/limits"));
    expect(limits.headers.get("sforce-limit-info")).toBe("api-usage=5/3");
  });
});
