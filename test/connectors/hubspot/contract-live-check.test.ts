import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HubspotConnector } from "../../../connectors/hubspot/connector.js";
import { hubspotConfig, memoryContext } from "./support.js";

/**
 * The live check's requests as HubSpot documents them:
 * - private apps: `POST /oauth/v2/private-apps/get/access-token-info` with `{"tokenKey": "<token>"}`,
 *   answered `{ userId, hubId, appId, scopes }` (developers.hubspot.com/docs/api/private-apps);
 * - properties: `GET /crm/v3/properties/{objectType}` (results with `name`, `type`, `fieldType`, `options`).
 */
const API = "https://api.hubapi.com";
const token = "pat-na1-11111111-2222-3333-4444-555555555555";

let setup: ReturnType<typeof memoryContext>;
let connector: HubspotConnector | undefined;
beforeEach(() => {
  nock.disableNetConnect();
  setup = memoryContext();
});
afterEach(async () => {
  await connector?.close();
  nock.cleanAll();
  nock.enableNetConnect();
});

const property = (name: string, type: string, fieldType: string) => ({
  name,
  label: name,
  type,
  fieldType,
  options: [],
  calculated: false,
  modificationMetadata: { readOnlyValue: false },
});

describe("HubSpot contract: check --live", () => {
  it("sends the private app token as tokenKey, compares scopes and portal, types the two properties", async () => {
    const bodies: unknown[] = [];
    nock(API)
      .post("/oauth/v2/private-apps/get/access-token-info", (body) => {
        bodies.push(body);
        return true;
      })
      .reply(200, {
        userId: 123456,
        hubId: 1234567,
        appId: 111111,
        scopes: ["oauth", "crm.objects.contacts.read"],
      });
    nock(API)
      .get("/crm/v3/properties/contacts")
      .query(true)
      .reply(200, { results: [property("telesync_do_not_call", "bool", "booleancheckbox")] });
    nock(API)
      .get("/crm/v3/properties/calls")
      .query(true)
      .reply(200, { results: [property("telesync_outcome_id", "string", "text")] });
    connector = new HubspotConnector(
      hubspotConfig(API, { auth: { type: "private_app", accessToken: token }, portalId: "7654321" }),
      setup.ctx,
      { sleep: async () => {} },
    );
    const rows = await connector.liveCheck([]);
    expect(bodies).toEqual([{ tokenKey: token }]);
    expect(rows).toEqual([
      {
        subject: "integration hs1",
        check: "token",
        status: "ok",
        detail: "the private app token works (Hub ID 1234567)",
      },
      {
        subject: "integration hs1",
        check: "portal",
        status: "error",
        detail: "the token belongs to Hub ID 1234567, the config says portalId 7654321",
        fix: "use the token of the configured account, or correct portalId",
      },
      {
        subject: "integration hs1",
        check: "scopes",
        status: "error",
        detail: "missing: crm.objects.contacts.write (granted: oauth, crm.objects.contacts.read)",
        fix: "add the scopes to the private app",
      },
      {
        subject: "integration hs1",
        check: "property contacts.telesync_do_not_call",
        status: "ok",
        detail: "single checkbox (bool)",
      },
      {
        subject: "integration hs1",
        check: "property calls.telesync_outcome_id",
        status: "ok",
        detail: "single-line text",
      },
    ]);
    expect(nock.isDone()).toBe(true);
  });
});
