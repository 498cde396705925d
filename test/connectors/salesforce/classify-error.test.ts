import { describe, expect, it } from "vitest";
import {
  classifyCode,
  classifyError,
  parseRetryAfter,
} from "../../../connectors/salesforce/classify-error.js";
import { SalesforceHttpError } from "../../../connectors/salesforce/http-capture.js";
import { CrmError } from "../../../src/errors.js";

const now = Date.parse("2024-05-01T12:00:00Z");

/** What jsforce 3.10.16 throws for an error body `[{message, errorCode}]` (lib/http-api.js HttpApiError). */
function jsforceError(errorCode: string, message: string, data: unknown = { errorCode, message }): Error {
  return Object.assign(new Error(message), { name: errorCode, errorCode, data });
}

function withStatus(
  status: number,
  errorCode: string,
  message: string,
  retryAfter?: string,
): SalesforceHttpError {
  return new SalesforceHttpError(message, errorCode, status, retryAfter, {
    cause: jsforceError(errorCode, message),
  });
}

/** node-fetch 2 FetchError: `code`/`errno` from the socket, `type: "system"`. */
function fetchError(code: string, message: string): Error {
  return Object.assign(new Error(message), { name: "FetchError", type: "system", code, errno: code });
}

/** OAuth token endpoint errors: jsforce puts the OAuth `error` in `name` (lib/oauth2.js). */
function oauthError(error: string, description: string): Error {
  return Object.assign(new Error(description), { name: error });
}

describe("classifyError", () => {
  it.each([
    [
      "401 INVALID_SESSION_ID",
      withStatus(401, "INVALID_SESSION_ID", "Session expired or invalid"),
      { kind: "auth" },
    ],
    [
      "INVALID_SESSION_ID without status",
      jsforceError("INVALID_SESSION_ID", "Session expired or invalid"),
      { kind: "auth" },
    ],
    ["refresh token revoked", oauthError("invalid_grant", "expired access/refresh token"), { kind: "auth" }],
    ["bad client secret", oauthError("invalid_client", "invalid client credentials"), { kind: "auth" }],
    [
      "failed refresh wrapped by jsforce",
      new Error("Unable to refresh session due to: expired access/refresh token"),
      { kind: "auth" },
    ],
    [
      "refresh failed on the network",
      new Error(
        "Unable to refresh session due to: request to https://login.salesforce.com failed, reason: socket hang up",
      ),
      { kind: "retry" },
    ],
    [
      "daily quota",
      withStatus(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded."),
      { kind: "rate-limited", scope: "daily", waitMs: 3_600_000 },
    ],
    [
      "concurrent long requests",
      jsforceError("REQUEST_LIMIT_EXCEEDED", "ConcurrentPerOrgLongTxn Limit exceeded."),
      { kind: "rate-limited", scope: "burst", waitMs: 30_000 },
    ],
    [
      "quota with Retry-After",
      withStatus(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.", "120"),
      { kind: "rate-limited", scope: "daily", waitMs: 120_000 },
    ],
    [
      "429 with Retry-After",
      withStatus(429, "ERROR_HTTP_429", "Too Many Requests", "7"),
      { kind: "rate-limited", scope: "burst", waitMs: 7_000 },
    ],
    [
      "429 with an HTTP-date Retry-After",
      withStatus(429, "ERROR_HTTP_429", "", "Wed, 01 May 2024 12:00:30 GMT"),
      { kind: "rate-limited", waitMs: 30_000 },
    ],
    [
      "429 as jsforce reports it",
      jsforceError("ERROR_HTTP_429", "Too Many Requests"),
      { kind: "rate-limited", scope: "burst", waitMs: 10_000 },
    ],
    [
      "503 SERVER_UNAVAILABLE",
      withStatus(503, "SERVER_UNAVAILABLE", "Server unavailable"),
      { kind: "retry", ambiguous: true },
    ],
    [
      "502 HTML",
      jsforceError("ERROR_HTTP_502", "<html>Bad gateway</html>"),
      { kind: "retry", ambiguous: true },
    ],
    [
      "500 UNKNOWN_EXCEPTION",
      withStatus(500, "UNKNOWN_EXCEPTION", "An unexpected error occurred"),
      { kind: "retry", ambiguous: true },
    ],
    [
      "ECONNRESET",
      fetchError("ECONNRESET", "request to https://x failed, reason: read ECONNRESET"),
      { kind: "retry", ambiguous: true },
    ],
    [
      "socket hang up",
      fetchError("ECONNRESET", "request to https://x failed, reason: socket hang up"),
      { kind: "retry", ambiguous: true },
    ],
    [
      "ETIMEDOUT",
      fetchError("ETIMEDOUT", "request to https://x failed, reason: connect ETIMEDOUT"),
      { kind: "retry", ambiguous: true },
    ],
    [
      "aborted",
      Object.assign(new Error("The user aborted a request."), { name: "AbortError", type: "aborted" }),
      { kind: "retry", ambiguous: true },
    ],
    [
      "connection refused: nothing sent",
      fetchError("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:1"),
      { kind: "retry", ambiguous: false },
    ],
    [
      "DNS failure: nothing sent",
      fetchError("ENOTFOUND", "getaddrinfo ENOTFOUND acme.my.salesforce.com"),
      { kind: "retry", ambiguous: false },
    ],
    [
      "UNABLE_TO_LOCK_ROW",
      jsforceError("UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access to this record"),
      { kind: "retry", ambiguous: false },
    ],
    [
      "MALFORMED_QUERY",
      withStatus(400, "MALFORMED_QUERY", "unexpected token: OR"),
      { kind: "permanent", code: "MALFORMED_QUERY" },
    ],
    [
      "INVALID_FIELD",
      jsforceError("INVALID_FIELD", "No such column 'Foo__c' on entity 'Lead'"),
      { kind: "permanent", code: "INVALID_FIELD" },
    ],
    [
      "INVALID_TYPE",
      jsforceError("INVALID_TYPE", "sObject type 'Leed' is not supported"),
      { kind: "permanent", code: "INVALID_TYPE" },
    ],
    [
      "404 NOT_FOUND",
      withStatus(404, "NOT_FOUND", "The requested resource does not exist"),
      { kind: "permanent" },
    ],
    ["400 unknown code, status known", withStatus(400, "SOMETHING_NEW", "new"), { kind: "permanent" }],
    [
      "several errors: the first one counts",
      jsforceError("MULTIPLE_API_ERRORS", "Multiple errors returned.", [
        { errorCode: "UNABLE_TO_LOCK_ROW", message: "a" },
        { errorCode: "INVALID_FIELD", message: "b" },
      ]),
      { kind: "retry", ambiguous: false },
    ],
    [
      "CrmError keeps its class",
      new CrmError({ kind: "permanent", reason: "x", code: "Y" }),
      { kind: "permanent", code: "Y" },
    ],
    ["unknown code, no status", jsforceError("SOMETHING_NEW", "?"), { kind: "retry" }],
    ["plain Error", new Error("boom"), { kind: "retry", ambiguous: true }],
    ["not even an Error", "boom", { kind: "retry", ambiguous: true }],
  ])("%s", (_label, error, expected) => {
    const classified = classifyError(error, now);
    expect(classified).toMatchObject(expected);
    expect(classified.reason).not.toBe("");
  });
});

describe("classifyCode (per-record statusCode)", () => {
  it.each([
    ["UNABLE_TO_LOCK_ROW", "retry"],
    ["INVALID_CROSS_REFERENCE_KEY", "permanent"],
    ["ENTITY_IS_DELETED", "permanent"],
    ["FIELD_CUSTOM_VALIDATION_EXCEPTION", "permanent"],
    ["INVALID_FIELD", "permanent"],
    ["INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", "permanent"],
    ["DUPLICATES_DETECTED", "permanent"],
    ["REQUEST_LIMIT_EXCEEDED", "rate-limited"],
    ["SERVER_UNAVAILABLE", "retry"],
    ["BRAND_NEW_CODE", "retry"],
  ])("%s → %s", (code, kind) => {
    expect(classifyCode(code, "message").kind).toBe(kind);
  });

  it("a trigger that failed on a row lock is a retry", () => {
    const c = classifyCode(
      "CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY",
      "LeadTrigger: execution of AfterUpdate caused by: System.DmlException: UNABLE_TO_LOCK_ROW",
    );
    expect(c.kind).toBe("retry");
    expect(classifyCode("CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY", "LeadTrigger: Status is required").kind).toBe(
      "permanent",
    );
  });
});

describe("parseRetryAfter", () => {
  it.each([
    ["5", 5_000],
    ["0.5", 500],
    ["Wed, 01 May 2024 12:01:00 GMT", 60_000],
    ["Wed, 01 May 2024 11:00:00 GMT", 0],
    ["soon", undefined],
    [undefined, undefined],
  ])("%s → %s", (value, ms) => {
    expect(parseRetryAfter(value, now)).toBe(ms);
  });
});
