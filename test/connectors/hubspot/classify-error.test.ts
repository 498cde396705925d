import { describe, expect, it } from "vitest";
import { classifyHubspotError, msUntilNextMidnight } from "../../../connectors/hubspot/classify-error.js";
import { CrmError, type ErrorClass } from "../../../src/errors.js";

/** Shaped like the SDK's ApiException: `.code`, `.body`, `.headers`. */
function apiException(code: number, body: unknown, headers: Record<string, string> = {}) {
  return Object.assign(new Error(`HTTP-Code: ${code}`), { code, body, headers });
}
function fetchError(code: string) {
  return Object.assign(new Error(`request failed, reason: ${code}`), { type: "system", code, errno: code });
}

const NOW = Date.parse("2026-03-10T15:30:00.000Z");
const rl = (policyName: string, message = "You have reached your limit.") => ({
  status: "error",
  message,
  errorType: "RATE_LIMIT",
  correlationId: "c-1",
  policyName,
});

const cases: {
  name: string;
  error: unknown;
  zone?: string;
  expected: Partial<ErrorClass> & { kind: ErrorClass["kind"] };
}[] = [
  {
    name: "401 expired token",
    error: apiException(401, { category: "EXPIRED_AUTHENTICATION", message: "expired" }),
    expected: { kind: "auth" },
  },
  {
    name: "401 invalid token",
    error: apiException(401, { category: "INVALID_AUTHENTICATION" }),
    expected: { kind: "auth" },
  },
  {
    name: "429 ten-secondly with Retry-After",
    error: apiException(429, rl("TEN_SECONDLY_ROLLING"), { "retry-after": "2" }),
    expected: { kind: "rate-limited", scope: "burst", waitMs: 2_000 },
  },
  {
    name: "429 ten-secondly with interval header",
    error: apiException(429, rl("TEN_SECONDLY_ROLLING"), {
      "x-hubspot-ratelimit-interval-milliseconds": "10000",
    }),
    expected: { kind: "rate-limited", scope: "burst", waitMs: 10_000 },
  },
  {
    name: "429 secondly (search) policy",
    error: apiException(429, rl("SECONDLY", "You have reached your secondly limit.")),
    expected: { kind: "rate-limited", scope: "burst", waitMs: 1_000 },
  },
  {
    name: "429 search message without policy",
    error: apiException(429, { status: "error", message: "You have reached your secondly limit." }),
    expected: { kind: "rate-limited", scope: "burst", waitMs: 1_000 },
  },
  {
    name: "429 daily, UTC",
    error: apiException(429, rl("DAILY")),
    expected: { kind: "rate-limited", scope: "daily", waitMs: 8.5 * 3_600_000 },
  },
  {
    name: "429 daily, account in New York",
    zone: "America/New_York",
    error: apiException(429, rl("DAILY")),
    expected: { kind: "rate-limited", scope: "daily", waitMs: 12.5 * 3_600_000 },
  },
  {
    name: "429 unknown policy",
    error: apiException(429, { message: "slow down" }),
    expected: { kind: "rate-limited", scope: "burst", waitMs: 10_000 },
  },
  {
    name: "500",
    error: apiException(500, { status: "error", message: "internal" }),
    expected: { kind: "retry", ambiguous: true },
  },
  {
    name: "502 with an HTML body",
    error: apiException(502, "<html>Bad gateway</html>"),
    expected: { kind: "retry", ambiguous: true },
  },
  { name: "503", error: apiException(503, {}), expected: { kind: "retry", ambiguous: true } },
  {
    name: "423 locked",
    error: apiException(423, { category: "LOCKED" }),
    expected: { kind: "retry", ambiguous: false },
  },
  {
    name: "200 where 201 was expected (SDK)",
    error: apiException(200, {}),
    expected: { kind: "retry", ambiguous: true },
  },
  {
    name: "400 VALIDATION_ERROR",
    error: apiException(400, { category: "VALIDATION_ERROR", message: "Property values were not valid" }),
    expected: { kind: "permanent", code: "VALIDATION_ERROR" },
  },
  {
    name: "400 search past 10k",
    error: apiException(400, { category: "VALIDATION_ERROR" }),
    expected: { kind: "permanent", code: "VALIDATION_ERROR" },
  },
  {
    name: "400 BAD_REFRESH_TOKEN (status only)",
    error: apiException(400, { status: "BAD_REFRESH_TOKEN", message: "missing" }),
    expected: { kind: "permanent", code: "400" },
  },
  {
    name: "403 missing scopes",
    error: apiException(403, { category: "MISSING_SCOPES" }),
    expected: { kind: "permanent", code: "MISSING_SCOPES" },
  },
  {
    name: "404",
    error: apiException(404, { category: "OBJECT_NOT_FOUND" }),
    expected: { kind: "permanent", code: "OBJECT_NOT_FOUND" },
  },
  {
    name: "404 without a body",
    error: apiException(404, undefined),
    expected: { kind: "permanent", code: "OBJECT_NOT_FOUND" },
  },
  {
    name: "409 conflict",
    error: apiException(409, { category: "CONFLICT" }),
    expected: { kind: "permanent", code: "CONFLICT" },
  },
  {
    name: "connection reset (sent)",
    error: fetchError("ECONNRESET"),
    expected: { kind: "retry", ambiguous: true },
  },
  { name: "socket timeout", error: fetchError("ETIMEDOUT"), expected: { kind: "retry", ambiguous: true } },
  {
    name: "connection refused (never sent)",
    error: fetchError("ECONNREFUSED"),
    expected: { kind: "retry", ambiguous: false },
  },
  {
    name: "DNS failure (never sent)",
    error: fetchError("ENOTFOUND"),
    expected: { kind: "retry", ambiguous: false },
  },
  {
    name: "a CrmError keeps its class",
    error: new CrmError({ kind: "auth", reason: "x" }),
    expected: { kind: "auth" },
  },
  { name: "unknown error", error: new Error("boom"), expected: { kind: "retry", ambiguous: true } },
  { name: "a thrown string", error: "boom", expected: { kind: "retry", ambiguous: true } },
];

describe("classifyHubspotError", () => {
  it.each(cases)("$name", ({ error, zone, expected }) => {
    const verdict = classifyHubspotError(error, { now: NOW, dailyResetTimeZone: zone ?? "UTC" });
    expect(verdict).toMatchObject(expected);
    expect(verdict.reason.length).toBeGreaterThan(0);
  });

  it("waits until the next local midnight across a DST change", () => {
    // 2026-03-08 is the US spring-forward day: that local day is 23 hours long.
    const now = Date.parse("2026-03-08T05:00:00.000Z"); // 00:00 EST
    expect(msUntilNextMidnight(now, "America/New_York")).toBe(23 * 3_600_000);
  });
});
