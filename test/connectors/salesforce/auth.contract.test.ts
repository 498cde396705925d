import nock from "nock";
import { describe, expect, it } from "vitest";
import { CrmError } from "../../../src/errors.js";
import {
  api,
  fixture,
  instance,
  instanceUrl,
  loginUrl,
  salesforceConfig,
  secrets,
  storedToken,
  useSalesforceHarness,
} from "./helpers.js";

const refreshed = "00DRO000000abcd!AQ0AQNewAccessTokenFromRefresh";
const issuedByClientCredentials = "00DRO000000abcd!AQ0AQClientCredentialsToken";
const refreshBody = {
  grant_type: "refresh_token",
  refresh_token: secrets.refreshToken,
  client_id: secrets.clientId,
  client_secret: secrets.clientSecret,
};

describe("Salesforce auth (nock, documented OAuth formats, real Redis token store)", () => {
  const h = useSalesforceHarness();

  it("with no shared or configured token, refreshes first and shares the token", async () => {
    const token = nock(loginUrl)
      .post("/services/oauth2/token", refreshBody)
      .reply(200, fixture("oauth-refresh-token.json"));
    instance(refreshed).get(`${api}/limits`).reply(200, fixture("limits.json"));

    await h.connector().verifyCredentials();

    expect(token.isDone()).toBe(true);
    expect(await h.tokens.get("sf")).toBe(refreshed);
  });

  it("starts from the configured access token when none is shared", async () => {
    const config = salesforceConfig({
      auth: { type: "refresh_token", ...secrets, accessToken: "configured-token" },
    });
    instance("configured-token").get(`${api}/limits`).reply(200, fixture("limits.json"));
    await h.connector(config).verifyCredentials();
  });

  it("on 401 INVALID_SESSION_ID refreshes, persists the new token for every worker, and retries", async () => {
    await h.tokens.set("sf", storedToken);
    instance(storedToken)
      .get(`${api}/sobjects/Lead/describe`)
      .reply(401, fixture("error-invalid-session.json"));
    nock(loginUrl)
      .post("/services/oauth2/token", refreshBody)
      .reply(200, fixture("oauth-refresh-token.json"));
    instance(refreshed).get(`${api}/sobjects/Lead/describe`).reply(200, fixture("describe-lead.json"));

    const fields = await h.connector().describe("Lead");

    expect(fields.find((f) => f.name === "Status")).toEqual({
      name: "Status",
      label: "Status",
      type: "picklist",
      updateable: true,
      picklistValues: ["Open - Not Contacted", "Working - Contacted"],
    });
    expect(await h.tokens.get("sf")).toBe(refreshed);
  });

  it("adopts a token another worker already refreshed instead of refreshing again", async () => {
    await h.tokens.set("sf", storedToken);
    const connector = h.connector();
    instance(storedToken).get(`${api}/limits`).reply(200, fixture("limits.json"));
    await connector.verifyCredentials();

    await h.tokens.set("sf", "token-from-another-worker");
    instance(storedToken).get(`${api}/limits`).reply(401, fixture("error-invalid-session.json"));
    instance("token-from-another-worker").get(`${api}/limits`).reply(200, fixture("limits.json"));
    await connector.verifyCredentials();
    // No token request was expected: nock refuses any other request.
  });

  it("client_credentials: fetches from the My Domain host, refetches once on 401, then reports auth (no loop)", async () => {
    const config = salesforceConfig({
      auth: { type: "client_credentials", clientId: secrets.clientId, clientSecret: secrets.clientSecret },
    });
    const body = {
      grant_type: "client_credentials",
      client_id: secrets.clientId,
      client_secret: secrets.clientSecret,
    };
    nock(instanceUrl)
      .post("/services/oauth2/token", body)
      .twice()
      .reply(200, fixture("oauth-client-credentials.json"));
    instance(issuedByClientCredentials)
      .get(`${api}/limits`)
      .twice()
      .reply(401, fixture("error-invalid-session.json"));

    const connector = h.connector(config);
    const error = await connector.verifyCredentials().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CrmError);
    expect(connector.classifyError(error)).toMatchObject({ kind: "auth" });
    expect(await h.tokens.get("sf")).toBe(issuedByClientCredentials);
  });

  it("client_credentials: a 401 is answered by one new token and the call succeeds", async () => {
    const config = salesforceConfig({
      auth: { type: "client_credentials", clientId: secrets.clientId, clientSecret: secrets.clientSecret },
    });
    await h.tokens.set("sf", storedToken);
    instance(storedToken).get(`${api}/limits`).reply(401, fixture("error-invalid-session.json"));
    nock(instanceUrl)
      .post("/services/oauth2/token", {
        grant_type: "client_credentials",
        client_id: secrets.clientId,
        client_secret: secrets.clientSecret,
      })
      .reply(200, fixture("oauth-client-credentials.json"));
    instance(issuedByClientCredentials).get(`${api}/limits`).reply(200, fixture("limits.json"));
    await h.connector(config).verifyCredentials();
    expect(await h.tokens.get("sf")).toBe(issuedByClientCredentials);
  });

  it("a revoked refresh token surfaces as the OAuth error, classified auth", async () => {
    await h.tokens.set("sf", storedToken);
    instance(storedToken).get(`${api}/limits`).reply(401, fixture("error-invalid-session.json"));
    nock(loginUrl).post("/services/oauth2/token").reply(400, fixture("oauth-invalid-grant.json"));
    const connector = h.connector();
    const error = await connector.verifyCredentials().catch((e: unknown) => e);
    expect(connector.classifyError(error)).toEqual({
      kind: "auth",
      reason: "invalid_grant: expired access/refresh token",
    });
  });

  it("uses the configured API version in every path", async () => {
    await h.tokens.set("sf", storedToken);
    instance().get("/services/data/v60.0/limits").reply(200, fixture("limits.json"));
    await h.connector(salesforceConfig({ apiVersion: "60.0" })).verifyCredentials();
  });

  it("never logs secrets or tokens", async () => {
    nock(loginUrl).post("/services/oauth2/token").reply(200, fixture("oauth-refresh-token.json"));
    instance(refreshed).get(`${api}/limits`).reply(200, fixture("limits.json"));
    await h.connector().verifyCredentials();
    const logged = JSON.stringify(h.logs);
    expect(h.logs.length).toBeGreaterThan(0);
    for (const secret of [secrets.clientSecret, secrets.refreshToken, refreshed])
      expect(logged).not.toContain(secret);
  });
});
