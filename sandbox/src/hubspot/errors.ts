import { randomUUID } from "node:crypto";
import type { RatePolicy } from "./rate-limits.js";

/** What a route answers; the plugin turns it into the HTTP response. */
export interface SandboxReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** HubSpot's error body: `{status:"error", message, correlationId, category, …}`. */
export function hubspotError(
  status: number,
  category: string,
  message: string,
  extra: object = {},
): SandboxReply {
  return { status, body: { status: "error", message, correlationId: randomUUID(), category, ...extra } };
}

export function validationError(message: string, errors: object[] = []): SandboxReply {
  return hubspotError(400, "VALIDATION_ERROR", message, errors.length > 0 ? { errors } : {});
}

export function notFound(message: string): SandboxReply {
  return hubspotError(404, "OBJECT_NOT_FOUND", message);
}

export function unauthorized(expired: boolean): SandboxReply {
  return expired
    ? hubspotError(401, "EXPIRED_AUTHENTICATION", "The OAuth token used to make this call expired.")
    : hubspotError(
        401,
        "INVALID_AUTHENTICATION",
        "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview",
      );
}

const rateMessages: Record<RatePolicy, string> = {
  TEN_SECONDLY_ROLLING: "You have reached your ten_secondly_rolling limit.",
  SECONDLY: "You have reached your secondly limit.",
  DAILY: "You have reached your daily limit.",
};

/** 429 bodies by policy, with `Retry-After` (seconds) when `retryAfterMs` is given. */
export function rateLimited(policy: RatePolicy, retryAfterMs: number | undefined): SandboxReply {
  const reply: SandboxReply = {
    status: 429,
    body: {
      status: "error",
      message: rateMessages[policy],
      errorType: "RATE_LIMIT",
      correlationId: randomUUID(),
      policyName: policy,
    },
  };
  if (retryAfterMs !== undefined)
    reply.headers = { "retry-after": String(Math.max(1, Math.ceil(retryAfterMs / 1000))) };
  return reply;
}

export function serverError(status: number): SandboxReply {
  return hubspotError(status, "INTERNAL_ERROR", "internal error");
}
