import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HubspotConnector } from "../../../connectors/hubspot/connector.js";
import { CrmError } from "../../../src/errors.js";
import { fixture, hubspotConfig, memoryContext } from "./support.js";

const API = "https://api.hubapi.com";
const oauth = { type: "oauth", clientId: "client-1", clientSecret: "secret-1", refreshToken: "refresh-1" };
const form = (body: unknown) =>
  typeof body === "string" ? Object.fromEntries(new URLSearchParams(body)) : body;

let setup: ReturnType<typeof memoryContext>;
const connectors: HubspotConnector[] = [];
function connector(overrides: Record<string, unknown> = {}): HubspotConnector {
  const created = new HubspotConnector(hubspotConfig(API, overrides), setup.ctx, { sleep: async () => {} });
  connectors.push(created);
  return created;
}
beforeEach(() => {
  nock.disableNetConnect();
  setup = memoryContext();
});
afterEach(async () => {
  for (const c of connectors.splice(0)) await c.close();
  nock.cleanAll();
  nock.enableNetConnect();
});

describe("HubSpot contract: OAuth", () => {
  it("gets a token with the refresh token, stores it for the other workers, and refreshes once on 401", async () => {
    const forms: unknown[] = [];
    nock(API)
      .post("/oauth/v1/token", (body) => {
        forms.push(form(body));
        return true;
      })
      .reply(200, fixture("oauth-token"));
    const first = (fixture("oauth-token") as { access_token: string }).access_token;
    nock(API)
      .get("/crm/v3/objects/contacts")
      .query(true)
      .matchHeader("authorization", `Bearer ${first}`)
      .reply(401, fixture("unauthorized-401-expired"));
    nock(API)
      .post("/oauth/v1/token", (body) => {
        forms.push(form(body));
        return true;
      })
      .reply(200, { ...fixture("oauth-token"), access_token: "second-token" });
    nock(API)
      .get("/crm/v3/objects/contacts")
      .query({ limit: "1", properties: "hs_object_id", archived: "false" })
      .matchHeader("authorization", "Bearer second-token")
      .reply(200, { results: [] });
    await connector({ auth: oauth }).verifyCredentials();
    expect(nock.isDone()).toBe(true);
    expect(forms).toEqual([
      {
        grant_type: "refresh_token",
        client_id: "client-1",
        client_secret: "secret-1",
        refresh_token: "refresh-1",
      },
      {
        grant_type: "refresh_token",
        client_id: "client-1",
        client_secret: "secret-1",
        refresh_token: "refresh-1",
      },
    ]);
    expect(setup.tokens.tokens.get("hs1")).toBe("second-token");
  });

  it("uses a token another worker stored, without refreshing", async () => {
    await setup.tokens.set("hs1", "shared-token");
    nock(API)
      .get("/crm/v3/objects/contacts")
      .query(true)
      .matchHeader("authorization", "Bearer shared-token")
      .reply(200, { results: [] });
    await connector({ auth: oauth }).verifyCredentials();
    expect(nock.isDone()).toBe(true);
  });

  it("a rejected refresh token is an auth failure", async () => {
    nock(API).post("/oauth/v1/token").reply(400, fixture("oauth-bad-refresh-token"));
    const error = await connector({ auth: oauth })
      .verifyCredentials()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CrmError);
    expect((error as CrmError).classification).toMatchObject({
      kind: "auth",
      reason: expect.stringContaining("BAD_REFRESH_TOKEN"),
    });
  });

  it("a private app token that HubSpot rejects is an auth failure, without a refresh", async () => {
    nock(API).get("/crm/v3/objects/contacts").query(true).reply(401, fixture("unauthorized-401-expired"));
    const error = await connector()
      .verifyCredentials()
      .catch((e: unknown) => e);
    expect((error as CrmError).classification.kind).toBe("auth");
    expect(nock.isDone()).toBe(true);
  });
});

describe("HubSpot contract: describe and retries", () => {
  it("describes contacts from the properties API: visible enumeration options, read-only values", async () => {
    nock(API)
      .get("/crm/v3/properties/contacts")
      .query({ archived: "false" })
      .reply(200, fixture("properties-contacts"));
    expect(await connector().describe("contacts")).toEqual([
      {
        name: "hs_lead_status",
        label: "Lead Status",
        type: "enumeration",
        picklistValues: ["NEW", "OPEN"],
        updateable: true,
      },
      { name: "lastmodifieddate", label: "Last Modified Date", type: "datetime", updateable: false },
      { name: "phone", label: "Phone Number", type: "string", updateable: true },
    ]);
  });

  it("describes calls with the portal's dispositions as hs_call_disposition values", async () => {
    nock(API).get("/crm/v3/properties/calls").query(true).reply(200, fixture("properties-calls"));
    nock(API)
      .get("/calling/v1/dispositions")
      .matchHeader("authorization", "Bearer sandbox-token")
      .reply(200, fixture("calling-dispositions"));
    const [disposition] = await connector().describe("calls");
    expect(disposition?.picklistValues).toHaveLength(6);
    expect(disposition?.picklistValues).toContain("b2cf5968-551e-4856-9783-52b3da59a7d0");
  });

  it("retries reads after a 5xx and after a reset connection", async () => {
    nock(API)
      .get("/crm/v3/objects/contacts")
      .query(true)
      .reply(502, { status: "error", message: "Bad gateway" });
    nock(API)
      .get("/crm/v3/objects/contacts")
      .query(true)
      .replyWithError(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }));
    nock(API).get("/crm/v3/objects/contacts").query(true).reply(200, { results: [] });
    await connector().verifyCredentials();
    expect(nock.isDone()).toBe(true);
  });

  it("gives up on a permanent error at once", async () => {
    nock(API).get("/crm/v3/properties/nope").query(true).reply(404, {
      status: "error",
      message: "Unable to infer object type from: nope",
      category: "OBJECT_NOT_FOUND",
    });
    const error = await connector()
      .describe("nope")
      .catch((e: unknown) => e);
    expect((error as CrmError).classification).toMatchObject({ kind: "permanent", code: "OBJECT_NOT_FOUND" });
  });
});
