import { describe, expect, it } from "vitest";
import { api, fixture, instance, storedToken, useSalesforceHarness } from "./helpers.js";

const A1 = "00QRO000001aAAAAA1";

describe("Salesforce consent writes and API budget (nock, sObject Collections formats)", () => {
  const h = useSalesforceHarness();

  it("writeConsent: DoNotCall per record, later change wins, per-record failures", async () => {
    await h.tokens.set("sf", storedToken);
    instance()
      .patch(`${api}/composite/sobjects`, {
        allOrNone: false,
        records: [
          { attributes: { type: "Lead" }, Id: A1, DoNotCall: false },
          { attributes: { type: "Contact" }, Id: "003RO000002bAAAAA1", DoNotCall: true },
          { attributes: { type: "Lead" }, Id: "00QRO000001aAAAAA5", DoNotCall: true },
        ],
      })
      .reply(200, [
        { id: A1, success: true, errors: [] },
        { id: "003RO000002bAAAAA1", success: true, errors: [] },
        {
          success: false,
          errors: [{ statusCode: "ENTITY_IS_DELETED", message: "entity is deleted", fields: [] }],
        },
      ]);
    const results = await h.connector().writeConsent([
      { id: "c1", lead: { objectType: "Lead", crmId: A1 }, doNotCall: true },
      { id: "c2", lead: { objectType: "Contact", crmId: "003RO000002bAAAAA1" }, doNotCall: true },
      { id: "c3", lead: { objectType: "Lead", crmId: A1 }, doNotCall: false },
      { id: "c4", lead: { objectType: "Lead", crmId: "00QRO000001aAAAAA5" }, doNotCall: true },
      { id: "c5", lead: { objectType: "Lead", crmId: "not-an-id" }, doNotCall: true },
    ]);
    expect(results).toEqual([
      { id: "c1", ok: true },
      { id: "c2", ok: true },
      { id: "c3", ok: true },
      {
        id: "c4",
        ok: false,
        error: {
          kind: "permanent",
          code: "ENTITY_IS_DELETED",
          reason: "ENTITY_IS_DELETED: entity is deleted",
        },
      },
      {
        id: "c5",
        ok: false,
        error: { kind: "permanent", reason: 'lead id "not-an-id" is not a Salesforce id' },
      },
    ]);
  });

  it("stops short of the org's daily API quota, read from Sforce-Limit-Info", async () => {
    await h.tokens.set("sf", storedToken);
    instance()
      .get(`${api}/limits`)
      .reply(200, fixture("limits.json"), { "Sforce-Limit-Info": "api-usage=99000/100000" });
    const connector = h.connector();
    await connector.verifyCredentials();
    const error = await connector
      .writeConsent([{ id: "c1", lead: { objectType: "Lead", crmId: A1 }, doNotCall: true }])
      .catch((e: unknown) => e);
    expect(connector.classifyError(error)).toMatchObject({ kind: "rate-limited", scope: "daily" });
  });
});
