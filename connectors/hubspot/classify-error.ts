import { z } from "zod";
import { CrmError, type ErrorClass } from "../../src/errors.js";
import { hubspotLimits } from "./limits.js";
import { DateTime } from "./luxon.js";

/** The SDK's `ApiException`: status code, parsed JSON body (or text) and lower-cased headers. */
const apiExceptionSchema = z.object({
  code: z.number().int(),
  body: z.unknown(),
  headers: z.record(z.string(), z.string()).optional(),
});

/** HubSpot error bodies: `{status, message, correlationId, category}`; 429s add `policyName`. */
const errorBodySchema = z.looseObject({
  status: z.string().optional(),
  message: z.string().optional(),
  category: z.string().optional(),
  errorType: z.string().optional(),
  policyName: z.string().optional(),
});

/** node-fetch `FetchError` / Node system errors. */
const systemErrorSchema = z.object({ code: z.string().optional(), type: z.string().optional() });

/** Network failures where the request cannot have reached HubSpot, so a retry cannot duplicate it. */
const notSentCodes = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ERR_NOCK_NO_MATCH"]);

export interface ClassifyOptions {
  /** Epoch ms, for the daily reset; default `Date.now()`. */
  now?: number;
  /** IANA zone of the HubSpot account; the daily limit resets at its midnight. */
  dailyResetTimeZone?: string;
}

/** ms until the next midnight in `zone`: when a DAILY limit resets. */
export function msUntilNextMidnight(now: number, zone: string): number {
  const midnight = DateTime.fromMillis(now, { zone }).plus({ days: 1 }).startOf("day");
  return Math.max(1, midnight.toMillis() - now);
}

function retryAfterMs(headers: Record<string, string> | undefined): number | undefined {
  const value = headers?.["retry-after"];
  if (value === undefined) return undefined;
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.max(1, seconds * 1000) : undefined;
}

function classifyRateLimit(
  body: z.infer<typeof errorBodySchema>,
  headers: Record<string, string> | undefined,
  options: ClassifyOptions,
): ErrorClass {
  const policy = body.policyName ?? "";
  const reason = `429 ${policy || "RATE_LIMIT"}: ${body.message ?? "rate limited"}`;
  if (policy === "DAILY") {
    const waitMs = msUntilNextMidnight(options.now ?? Date.now(), options.dailyResetTimeZone ?? "UTC");
    return { kind: "rate-limited", reason, waitMs, scope: "daily" };
  }
  // https://developers.hubspot.com/docs/guides/apps/api-usage/usage-details#error-responses
  // Search 429s carry the "secondly" message and sometimes no policyName.
  const secondly = policy === "SECONDLY" || /secondly limit/i.test(body.message ?? "");
  const interval = Number(headers?.["x-hubspot-ratelimit-interval-milliseconds"]);
  const fallback = secondly
    ? hubspotLimits.secondlyWindowMs
    : Number.isFinite(interval) && interval > 0
      ? interval
      : hubspotLimits.burstWindowMs;
  return { kind: "rate-limited", reason, waitMs: retryAfterMs(headers) ?? fallback, scope: "burst" };
}

function classifyStatus(
  code: number,
  rawBody: unknown,
  headers: Record<string, string> | undefined,
  options: ClassifyOptions,
): ErrorClass {
  const parsed = errorBodySchema.safeParse(rawBody);
  const body = parsed.success ? parsed.data : {};
  const what = body.category ?? body.status ?? body.errorType;
  const reason = `HubSpot ${code}${what ? ` ${what}` : ""}: ${body.message ?? (typeof rawBody === "string" ? rawBody.slice(0, 200) : "no message")}`;
  if (code === 429) return classifyRateLimit(body, headers, options);
  if (code === 401) return { kind: "auth", reason };
  if (code >= 500) return { kind: "retry", reason, ambiguous: true };
  // 408: the request timed out at HubSpot's edge, perhaps after being applied.
  if (code === 408) return { kind: "retry", reason, ambiguous: true };
  // 423 Locked: a concurrent write holds the record; nothing was applied.
  if (code === 423) return { kind: "retry", reason, ambiguous: false };
  // The SDK throws on a 2xx it did not expect (e.g. 200 instead of 201): the request was applied.
  if (code >= 200 && code < 300) return { kind: "retry", reason, ambiguous: true };
  if (code === 404) return { kind: "permanent", reason, code: body.category ?? "OBJECT_NOT_FOUND" };
  if (code >= 400) return { kind: "permanent", reason, code: body.category ?? String(code) };
  return { kind: "retry", reason, ambiguous: true };
}

/**
 * Classify anything the HubSpot connector (or its SDK) throws. Pure: the same error and clock give
 * the same answer.
 * - 401 → auth; 429 → rate-limited by `policyName` (DAILY waits until midnight in the account's zone);
 * - 5xx, timeouts, resets → retry, ambiguous (the write may have happened);
 * - connection refused / DNS → retry, not ambiguous;
 * - 400 (VALIDATION_ERROR…), 403, 404, 409 → permanent; anything unknown → retry, ambiguous.
 */
export function classifyHubspotError(error: unknown, options: ClassifyOptions = {}): ErrorClass {
  if (error instanceof CrmError) return error.classification;
  const api = apiExceptionSchema.safeParse(error);
  if (api.success && api.data.code > 0) {
    return classifyStatus(api.data.code, api.data.body, api.data.headers, options);
  }
  const message = error instanceof Error ? error.message : String(error);
  const system = systemErrorSchema.safeParse(error);
  const code = system.success ? system.data.code : undefined;
  if (code && notSentCodes.has(code)) {
    return { kind: "retry", reason: `network: ${code}: ${message}`, ambiguous: false };
  }
  if (code || (system.success && system.data.type === "system")) {
    return { kind: "retry", reason: `network: ${code ?? "error"}: ${message}`, ambiguous: true };
  }
  if (error instanceof z.ZodError) {
    return { kind: "retry", reason: `unexpected HubSpot response: ${message}`, ambiguous: true };
  }
  return { kind: "retry", reason: message || "unknown error", ambiguous: true };
}
