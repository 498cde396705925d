import { createHmac, timingSafeEqual } from "node:crypto";

/** HubSpot rejects, and so do we, requests whose timestamp is older than this. */
export const SIGNATURE_MAX_AGE_MS = 5 * 60 * 1000;

/** What HubSpot sent with a webhook or app request, plus our app's client secret. */
export interface SignatureV3Input {
  /** The app's client secret. */
  clientSecret: string;
  /** HTTP method as received, e.g. `POST`. */
  method: string;
  /** The full URL HubSpot called, e.g. `https://hooks.example.com/hubspot/webhook?x=1`. */
  uri: string;
  /** The request body exactly as received (not re-serialised JSON). */
  rawBody: string | Buffer;
  /** `X-HubSpot-Request-Timestamp`: epoch ms, as a string. */
  timestamp: string | undefined;
  /** `X-HubSpot-Signature-v3`. */
  signature: string | undefined;
  /** Epoch ms; default `Date.now()`. */
  now?: number;
}

export type SignatureVerdict =
  | { ok: true }
  | { ok: false; reason: "missing-header" | "stale-timestamp" | "bad-signature" };

/**
 * HubSpot URL-encodes some characters that it signs decoded.
 * https://developers.hubspot.com/docs/guides/apps/authentication/validating-requests#validate-the-v3-request-signature
 */
const DECODED: Record<string, string> = {
  "%3A": ":",
  "%2F": "/",
  "%3F": "?",
  "%40": "@",
  "%21": "!",
  "%24": "$",
  "%27": "'",
  "%28": "(",
  "%29": ")",
  "%2A": "*",
  "%2C": ",",
  "%3B": ";",
};

function decodeUri(uri: string): string {
  return uri.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (m) => DECODED[m.toUpperCase()] ?? m);
}

/** `base64(HMAC-SHA256(clientSecret, method + uri + rawBody + timestamp))`. */
export function signatureV3(
  clientSecret: string,
  method: string,
  uri: string,
  rawBody: string | Buffer,
  timestamp: string,
): string {
  return createHmac("sha256", clientSecret)
    .update(`${method.toUpperCase()}${decodeUri(uri)}`)
    .update(rawBody)
    .update(timestamp)
    .digest("base64");
}

/**
 * Verify a v3 signature (pure): the timestamp must be at most 5 minutes old and the HMAC must
 * match, compared in constant time.
 */
export function verifySignatureV3(input: SignatureV3Input): SignatureVerdict {
  if (!input.signature || !input.timestamp) return { ok: false, reason: "missing-header" };
  const sentAt = Number(input.timestamp);
  const age = (input.now ?? Date.now()) - sentAt;
  if (!Number.isFinite(sentAt) || age > SIGNATURE_MAX_AGE_MS || age < -SIGNATURE_MAX_AGE_MS) {
    return { ok: false, reason: "stale-timestamp" };
  }
  const expected = Buffer.from(
    signatureV3(input.clientSecret, input.method, input.uri, input.rawBody, input.timestamp),
  );
  const given = Buffer.from(input.signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: "bad-signature" };
  }
  return { ok: true };
}
