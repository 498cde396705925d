import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { SIGNATURE_MAX_AGE_MS, verifySignatureV3 } from "../../../connectors/hubspot/webhook-signature.js";

const secret = "app-client-secret";
const uri = "https://hooks.example.com/v1/webhooks/hubspot?portal=42";
const body = JSON.stringify([
  { objectId: 1246965, propertyName: "hs_lead_status", propertyValue: "UNQUALIFIED" },
]);
const now = Date.parse("2026-04-01T12:00:00.000Z");
const timestamp = String(now - 60_000);

/** Computed independently of the module: the doc's recipe. */
function sign(method: string, url: string, raw: string, ts: string): string {
  return createHmac("sha256", secret)
    .update(method + url + raw + ts)
    .digest("base64");
}
const good = sign("POST", uri, body, timestamp);
const flipped = (good.startsWith("A") ? "B" : "A") + good.slice(1);

const cases = [
  { name: "valid", input: { signature: good }, expected: { ok: true } },
  { name: "bad signature", input: { signature: flipped }, expected: { ok: false, reason: "bad-signature" } },
  {
    name: "signature of another secret",
    input: {
      signature: createHmac("sha256", "other").update(`POST${uri}${body}${timestamp}`).digest("base64"),
    },
    expected: { ok: false, reason: "bad-signature" },
  },
  {
    name: "tampered body",
    input: { signature: good, rawBody: body.replace("UNQUALIFIED", "CONNECTED") },
    expected: { ok: false, reason: "bad-signature" },
  },
  {
    name: "other method",
    input: { signature: good, method: "PUT" },
    expected: { ok: false, reason: "bad-signature" },
  },
  {
    name: "other uri",
    input: { signature: good, uri: `${uri}&x=1` },
    expected: { ok: false, reason: "bad-signature" },
  },
  {
    name: "stale: older than 5 minutes",
    input: {
      signature: sign("POST", uri, body, String(now - SIGNATURE_MAX_AGE_MS - 1)),
      timestamp: String(now - SIGNATURE_MAX_AGE_MS - 1),
    },
    expected: { ok: false, reason: "stale-timestamp" },
  },
  {
    name: "exactly 5 minutes old is accepted",
    input: {
      signature: sign("POST", uri, body, String(now - SIGNATURE_MAX_AGE_MS)),
      timestamp: String(now - SIGNATURE_MAX_AGE_MS),
    },
    expected: { ok: true },
  },
  {
    name: "timestamp not a number",
    input: { signature: good, timestamp: "yesterday" },
    expected: { ok: false, reason: "stale-timestamp" },
  },
  {
    name: "missing signature header",
    input: { signature: undefined },
    expected: { ok: false, reason: "missing-header" },
  },
  {
    name: "missing timestamp header",
    input: { signature: good, timestamp: undefined },
    expected: { ok: false, reason: "missing-header" },
  },
  {
    name: "different length signature",
    input: { signature: "short" },
    expected: { ok: false, reason: "bad-signature" },
  },
] as const;

describe("verifySignatureV3", () => {
  it.each(cases)("$name", ({ input, expected }) => {
    const verdict = verifySignatureV3({
      clientSecret: secret,
      method: "POST",
      uri,
      rawBody: body,
      timestamp,
      now,
      ...input,
    });
    expect(verdict).toEqual(expected);
  });

  it("signs the URI with HubSpot's decoded characters", () => {
    const encoded = "https://hooks.example.com/hook%3Fa=b&c=%40d&e=%3D";
    const decoded = "https://hooks.example.com/hook?a=b&c=@d&e=%3D";
    const signature = sign("POST", decoded, body, timestamp);
    expect(
      verifySignatureV3({
        clientSecret: secret,
        method: "POST",
        uri: encoded,
        rawBody: body,
        timestamp,
        signature,
        now,
      }),
    ).toEqual({ ok: true });
  });

  it("accepts a Buffer body", () => {
    expect(
      verifySignatureV3({
        clientSecret: secret,
        method: "POST",
        uri,
        rawBody: Buffer.from(body),
        timestamp,
        signature: good,
        now,
      }),
    ).toEqual({ ok: true });
  });
});
