import { CrmError, type ErrorClass } from "../../src/errors.js";
import { salesforceLimits } from "./limits.js";

/**
 * Salesforce error → what to do about it. One pure function, tested as a table.
 *
 * Where the facts live (jsforce 3.10.16):
 * - REST errors are `HttpApiError`s: `errorCode` (= `name`) from the body `[{message, errorCode}]`; when the
 *   body is not a Salesforce error the code is `ERROR_HTTP_<status>` — the only place jsforce keeps the
 *   status (lib/http-api.js `getError`). Several errors give `MULTIPLE_API_ERRORS` with them in `data`.
 * - The status and `Retry-After` are added by `SalesforceHttpError` (see http-capture.ts) when known.
 * - OAuth token errors carry the OAuth `error` (`invalid_grant`…) as `name` (lib/oauth2.js `_postParams`).
 * - Network failures are node-fetch `FetchError`s with a Node `code` (ECONNRESET…), or `AbortError`.
 * - A failed refresh during a call is re-thrown by jsforce as `Error("Unable to refresh session due to: …")`.
 * Error codes: https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm
 */

const permanentCodes = new Set([
  "MALFORMED_QUERY",
  "INVALID_FIELD",
  "INVALID_TYPE",
  "INVALID_CROSS_REFERENCE_KEY",
  "ENTITY_IS_DELETED",
  "ENTITY_IS_LOCKED",
  "FIELD_CUSTOM_VALIDATION_EXCEPTION",
  "FIELD_INTEGRITY_EXCEPTION",
  "FIELD_FILTER_VALIDATION_EXCEPTION",
  "INVALID_FIELD_FOR_INSERT_UPDATE",
  "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
  "REQUIRED_FIELD_MISSING",
  "STRING_TOO_LONG",
  "NUMBER_OUTSIDE_VALID_RANGE",
  "INVALID_ID_FIELD",
  "MALFORMED_ID",
  "INVALID_EMAIL_ADDRESS",
  "DUPLICATE_VALUE",
  "DUPLICATES_DETECTED",
  "INSUFFICIENT_ACCESS_OR_READONLY",
  "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY",
  "INVALID_QUERY_FILTER_OPERATOR",
  "INVALID_TYPE_FOR_OPERATION",
  "INVALID_OPERATION",
  "JSON_PARSER_ERROR",
  "NOT_FOUND",
  "METHOD_NOT_ALLOWED",
  "API_DISABLED_FOR_ORG",
  "API_CURRENTLY_DISABLED",
  "FUNCTIONALITY_NOT_ENABLED",
  "EXCEEDED_ID_LIMIT",
  "INVALID_REPLICATION_DATE",
  "CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY",
  "MULTIPLE_CHOICES",
]);

/** Transient and certainly not applied. */
const retryCodes = new Set([
  "UNABLE_TO_LOCK_ROW",
  "QUERY_TIMEOUT",
  "INVALID_QUERY_LOCATOR",
  "REQUEST_RUNNING_TOO_LONG",
]);

/** Transient, and a write may have been applied. */
const ambiguousCodes = new Set(["SERVER_UNAVAILABLE", "UNKNOWN_EXCEPTION", "SERVICE_UNAVAILABLE"]);

const authCodes = new Set([
  "INVALID_SESSION_ID",
  "INVALID_AUTH_HEADER",
  "INVALID_OPERATION_WITH_EXPIRED_PASSWORD",
  // OAuth token endpoint errors (RFC 6749 §5.2 plus Salesforce's own).
  "invalid_grant",
  "invalid_client",
  "invalid_client_id",
  "invalid_client_credentials",
  "unauthorized_client",
  "unsupported_grant_type",
  "invalid_request",
  "inactive_user",
  "inactive_org",
]);

/** Node/undici socket errors after which a request may have reached Salesforce. */
const ambiguousNetworkCodes = new Set(["ECONNRESET", "ETIMEDOUT", "EPIPE", "ECONNABORTED", "UND_ERR_SOCKET"]);
/** Failures before anything was sent. */
const unsentNetworkCodes = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ENETUNREACH",
  "ENETDOWN",
  "EHOSTUNREACH",
  "EHOSTDOWN",
]);

interface ErrorFacts {
  name: string;
  code?: string;
  nodeCode?: string;
  status?: number;
  message: string;
  retryAfter?: string;
  /** node-fetch's FetchError.type: `system`, `request-timeout`, `body-timeout`, `aborted`… */
  fetchType?: string;
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function facts(error: unknown): ErrorFacts {
  if (typeof error !== "object" || error === null) return { name: "", message: String(error) };
  const e = error as Record<string, unknown>;
  const name = text(e.name) ?? "";
  const message = text(e.message) ?? "";
  const errorCode = text(e.errorCode);
  // jsforce copies the error code into `name`; OAuth errors put the OAuth `error` there (invalid_grant).
  let code = errorCode ?? (/^[A-Za-z]+(_[A-Za-z0-9]+)+$/.test(name) ? name : undefined);
  if (code === "MULTIPLE_API_ERRORS" && Array.isArray(e.data)) {
    const first = e.data[0] as Record<string, unknown> | undefined;
    code = text(first?.errorCode) ?? code;
  }
  let status =
    typeof e.status === "number" ? e.status : typeof e.statusCode === "number" ? e.statusCode : undefined;
  const httpCode = /^ERROR_HTTP_(\d{3})$/.exec(code ?? "");
  if (httpCode?.[1]) status ??= Number(httpCode[1]);
  const out: ErrorFacts = { name, message };
  if (code !== undefined) out.code = code;
  if (status !== undefined) out.status = status;
  const nodeCode = text(e.code);
  if (nodeCode !== undefined) out.nodeCode = nodeCode;
  const retryAfter = text(e.retryAfter);
  if (retryAfter !== undefined) out.retryAfter = retryAfter;
  const fetchType = text(e.type);
  if (fetchType !== undefined) out.fetchType = fetchType;
  return out;
}

/** The Salesforce error code of a thrown error (`INVALID_FIELD`, `ERROR_HTTP_503`…), when it has one. */
export function salesforceErrorCode(error: unknown): string | undefined {
  return facts(error).code;
}

/** `Retry-After` is seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

function describe(f: ErrorFacts): string {
  const head = f.code ?? (f.status ? `HTTP ${f.status}` : (f.nodeCode ?? f.name)) ?? "error";
  const message = f.message.length > 300 ? `${f.message.slice(0, 300)}…` : f.message;
  return message ? `${head}: ${message}` : head;
}

/** The class of a known Salesforce error code; `undefined` when the code is not in the tables. */
function knownCode(code: string, message: string, retryAfterMs?: number): ErrorClass | undefined {
  const reason = message ? `${code}: ${message}` : code;
  if (code === "REQUEST_LIMIT_EXCEEDED") {
    // One code for two limits: the rolling 24 h quota ("TotalRequests Limit exceeded") and concurrency
    // ("ConcurrentPerOrgLongTxn Limit exceeded"). https://developer.salesforce.com/docs/atlas.en-us.salesforce_app_limits_cheatsheet.meta/salesforce_app_limits_cheatsheet/salesforce_app_limits_platform_api.htm
    const burst = /concurrent/i.test(message);
    return {
      kind: "rate-limited",
      reason,
      scope: burst ? "burst" : "daily",
      waitMs: retryAfterMs ?? (burst ? salesforceLimits.burstWaitMs : salesforceLimits.dailyWaitMs),
    };
  }
  if (authCodes.has(code)) return { kind: "auth", reason };
  if (retryCodes.has(code)) return { kind: "retry", reason, ambiguous: false };
  if (ambiguousCodes.has(code)) return { kind: "retry", reason, ambiguous: true };
  if (code === "CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY" && /UNABLE_TO_LOCK_ROW/.test(message)) {
    // A trigger failed on a row lock: transient despite the wrapper code.
    return { kind: "retry", reason, ambiguous: false };
  }
  if (permanentCodes.has(code)) return { kind: "permanent", reason, code };
  return undefined;
}

/**
 * Classify a Salesforce record-level `statusCode` (sObject Collections `errors[].statusCode`).
 * `ambiguous` is false: Salesforce answered, and the record was not saved. Unknown codes are retried.
 */
export function classifyCode(code: string, message: string): ErrorClass {
  return (
    knownCode(code, message) ?? {
      kind: "retry",
      reason: `unrecognised Salesforce error ${message ? `${code}: ${message}` : code}`,
      ambiguous: false,
    }
  );
}

/** Any error thrown by the Salesforce connector or jsforce → retry / rate-limited / auth / permanent. */
export function classifyError(error: unknown, nowMs: number = Date.now()): ErrorClass {
  if (error instanceof CrmError) return error.classification;
  const f = facts(error);
  const reason = describe(f);
  const retryAfterMs = parseRetryAfter(f.retryAfter, nowMs);

  if (
    f.name === "AbortError" ||
    f.fetchType === "aborted" ||
    f.fetchType === "request-timeout" ||
    f.fetchType === "body-timeout"
  ) {
    return { kind: "retry", reason: `request aborted or timed out: ${f.message}`, ambiguous: true };
  }
  if (f.nodeCode && unsentNetworkCodes.has(f.nodeCode)) return { kind: "retry", reason, ambiguous: false };
  if (
    (f.nodeCode && ambiguousNetworkCodes.has(f.nodeCode)) ||
    /socket hang up|network timeout/i.test(f.message)
  ) {
    return { kind: "retry", reason, ambiguous: true };
  }
  if (f.message.startsWith("Unable to refresh session due to:")) {
    return /ECONNRESET|ETIMEDOUT|ECONNREFUSED|ENOTFOUND|socket hang up|ERROR_HTTP_5\d\d/.test(f.message)
      ? { kind: "retry", reason, ambiguous: false }
      : { kind: "auth", reason };
  }
  if (f.status === 429 || f.code === "ERROR_HTTP_429") {
    return {
      kind: "rate-limited",
      reason,
      scope: "burst",
      waitMs: retryAfterMs ?? salesforceLimits.tooManyRequestsWaitMs,
    };
  }
  const byCode = f.code ? knownCode(f.code, f.message, retryAfterMs) : undefined;
  if (byCode) return byCode;
  if (f.status !== undefined) {
    if (f.status === 401) return { kind: "auth", reason };
    if (f.status >= 500) return { kind: "retry", reason, ambiguous: true };
    if (f.status === 420 || f.status === 408) return { kind: "retry", reason, ambiguous: true };
    if (f.status >= 400) return { kind: "permanent", reason, ...(f.code ? { code: f.code } : {}) };
  }
  if (f.name === "SoqlBuildError") return { kind: "permanent", reason: f.message };
  // Unknown: retry and say so; never silently permanent. A write may have gone through.
  return { kind: "retry", reason: `unclassified error ${reason}`, ambiguous: true };
}
