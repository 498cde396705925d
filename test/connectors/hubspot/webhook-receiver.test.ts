import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hubspotWebhookReceiver } from "../../../connectors/hubspot/webhook-receiver.js";

const secret = "app-client-secret";
const url = "https://hooks.example.com/webhooks/hs";
const now = Date.parse("2026-11-30T12:00:00Z");
const receiver = hubspotWebhookReceiver({
  webhookSecret: secret,
  doNotCall: { property: "telesync_do_not_call", value: "true", clearValue: "false" },
});

/** Signed by hand as HubSpot documents v3: base64 HMAC-SHA256 of method + URI + body + timestamp. */
function signed(events: unknown, timestamp = now) {
  const rawBody = JSON.stringify(events);
  const signature = createHmac("sha256", secret).update(`POST${url}${rawBody}${timestamp}`).digest("base64");
  return {
    method: "POST",
    url,
    rawBody,
    headers: { "x-hubspot-signature-v3": signature, "x-hubspot-request-timestamp": String(timestamp) },
  };
}

describe("HubSpot webhook receiver", () => {
  it("company.* events and generic object.* events (objectTypeId) reach the configured objects, each with its do-not-call property", () => {
    const objects = hubspotWebhookReceiver({
      webhookSecret: secret,
      doNotCall: { property: "telesync_do_not_call", value: "true", clearValue: "false" },
      objects: {
        companies: { doNotCall: { property: "company_dnc", value: "true", clearValue: "false" } },
        "2-3508482": { doNotCall: { property: "do_not_call", value: "true", clearValue: "false" } },
      },
      objectNameOf: (typeId) => (typeId === "2-3508482" ? "2-3508482" : undefined),
    });
    // Generic webhooks carry objectTypeId in raw form: 0-1 contacts, 0-2 companies, 2-… custom
    // (HubSpot changelog "Generic Webhook Subscriptions").
    const verdict = objects.receive(
      signed([
        {
          subscriptionType: "company.propertyChange",
          objectId: 31,
          propertyName: "company_dnc",
          propertyValue: "true",
        },
        { subscriptionType: "company.deletion", objectId: 32 },
        {
          subscriptionType: "object.propertyChange",
          objectTypeId: "0-2",
          objectId: 33,
          propertyName: "name",
          propertyValue: "X",
        },
        {
          subscriptionType: "object.propertyChange",
          objectTypeId: "2-3508482",
          objectId: 34,
          propertyName: "do_not_call",
          propertyValue: "true",
        },
        { subscriptionType: "object.creation", objectTypeId: "2-3508482", objectId: 35 },
        { subscriptionType: "object.deletion", objectTypeId: "2-999", objectId: 36 },
        { subscriptionType: "object.deletion", objectTypeId: "0-1", objectId: 37 },
      ]),
      now,
    );
    if (!verdict.ok) throw new Error(verdict.reason);
    expect(verdict.events).toEqual([
      { kind: "consent", objectType: "companies", crmId: "31", doNotCall: true },
      { kind: "deleted", objectType: "companies", crmId: "32" },
      { kind: "changed", objectType: "companies", crmId: "33" },
      { kind: "consent", objectType: "2-3508482", crmId: "34", doNotCall: true },
      { kind: "created", objectType: "2-3508482", crmId: "35" },
      { kind: "deleted", objectType: "contacts", crmId: "37" },
    ]);
    expect(verdict.ignored).toBe(1);
  });

  it("turns contact events into canonical changes and ignores the rest", () => {
    const verdict = receiver.receive(
      signed([
        {
          subscriptionType: "contact.propertyChange",
          objectId: 11,
          propertyName: "telesync_do_not_call",
          propertyValue: "true",
        },
        {
          subscriptionType: "contact.propertyChange",
          objectId: 12,
          propertyName: "telesync_do_not_call",
          propertyValue: "false",
        },
        {
          subscriptionType: "contact.propertyChange",
          objectId: 13,
          propertyName: "firstname",
          propertyValue: "Ann",
        },
        { subscriptionType: "contact.deletion", objectId: 14 },
        { subscriptionType: "contact.privacyDeletion", objectId: 15 },
        {
          subscriptionType: "contact.merge",
          objectId: 16,
          primaryObjectId: 16,
          mergedObjectIds: [17, 16],
          newObjectId: 16,
        },
        {
          subscriptionType: "contact.merge",
          objectId: 18,
          primaryObjectId: 18,
          mergedObjectIds: [19],
          newObjectId: 20,
        },
        { subscriptionType: "contact.creation", objectId: 21 },
        { subscriptionType: "contact.restore", objectId: 22 },
        { subscriptionType: "contact.associationChange", objectId: 23 },
        { subscriptionType: "deal.creation", objectId: 24 },
      ]),
      now,
    );
    expect(verdict).toEqual({
      ok: true,
      replayKey: expect.any(String),
      ignored: 2,
      events: [
        { kind: "consent", objectType: "contacts", crmId: "11", doNotCall: true },
        { kind: "consent", objectType: "contacts", crmId: "12", doNotCall: false },
        { kind: "changed", objectType: "contacts", crmId: "13" },
        { kind: "deleted", objectType: "contacts", crmId: "14" },
        { kind: "deleted", objectType: "contacts", crmId: "15" },
        { kind: "merged", objectType: "contacts", survivorId: "16", mergedIds: ["17"] },
        { kind: "merged", objectType: "contacts", survivorId: "20", mergedIds: ["19", "18"] },
        { kind: "created", objectType: "contacts", crmId: "21" },
        { kind: "created", objectType: "contacts", crmId: "22" },
      ],
    });
  });

  it("refuses a wrong secret, a stale timestamp and missing headers as unauthorized", () => {
    const request = signed([{ subscriptionType: "contact.deletion", objectId: 1 }]);
    expect(receiver.receive({ ...request, rawBody: `${request.rawBody} ` }, now)).toMatchObject({
      ok: false,
      problem: "unauthorized",
      reason: "signature: bad-signature",
    });
    const stale = signed([{ subscriptionType: "contact.deletion", objectId: 1 }], now - 6 * 60_000);
    expect(receiver.receive(stale, now)).toMatchObject({ ok: false, reason: "signature: stale-timestamp" });
    expect(receiver.receive({ ...request, headers: {} }, now)).toMatchObject({
      ok: false,
      reason: "signature: missing-header",
    });
  });

  it("refuses a signed body that is not a list of events, and ids that are not HubSpot ids", () => {
    expect(receiver.receive(signed({ not: "a list" }), now)).toMatchObject({ ok: false, problem: "invalid" });
    expect(
      receiver.receive(signed([{ subscriptionType: "contact.deletion", objectId: "../1" }]), now),
    ).toMatchObject({ ok: false, problem: "invalid" });
  });

  it("remembers a delivery for at least the ±5-minute window its timestamp is accepted in", () => {
    expect(receiver.replayWindowMs).toBeGreaterThanOrEqual(10 * 60_000);
  });
});
