import { z } from "zod";
import type { NextCallable } from "../../compliance-gate/next-callable.js";

/**
 * The headers of a lease's 204 ("no lead callable now"). A 204 carries no body (RFC 9110 §15.3.5),
 * so the hint travels in headers: `Retry-After` (RFC 9110 §10.2.3, delay-seconds) for dialers that
 * only back off, and the instant, rule and zone for those that show why.
 */
export const noLeadHeaders = {
  "Retry-After": {
    type: "integer",
    description: "seconds until the next held lead becomes callable (absent when nothing is held)",
  },
  "Telesync-Next-Callable-At": {
    type: "string",
    format: "date-time",
    description: "when the next held lead becomes callable (ISO 8601, UTC)",
  },
  "Telesync-Next-Callable-Rule": {
    type: "string",
    description:
      "the rule holding it: a gate rule id (hours.US, hours.US-FL, holiday…, caps…) or `schedule` (a retry or callback time, or a frequency cap)",
  },
  "Telesync-Next-Callable-Reason": { type: "string", description: "the rule's reason, for people" },
  "Telesync-Next-Callable-Zone": {
    type: "string",
    description: "the IANA zone whose local time decided (calling-hours holds)",
  },
  "Telesync-Held": { type: "integer", description: "leads held for a later time in the campaign" },
} as const;

/** The 204 of `POST /v1/campaigns/{campaign}/leases`, documented with its headers. */
export const noLeadResponse = z.null().meta({
  description: "no lead callable now; the headers say when the next one is",
  headers: noLeadHeaders,
});

/** Header values are visible ASCII: reasons come from rule data, which may not be. */
function headerSafe(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, "?");
}

export function noLeadHeaderValues(next: NextCallable | undefined, now: Date): Record<string, string> {
  if (!next) return { "Telesync-Held": "0" };
  const seconds = Math.max(1, Math.ceil((next.at.getTime() - now.getTime()) / 1000));
  return {
    "Retry-After": String(seconds),
    "Telesync-Next-Callable-At": next.at.toISOString(),
    "Telesync-Next-Callable-Rule": headerSafe(next.rule.id),
    "Telesync-Next-Callable-Reason": headerSafe(next.reason),
    ...(next.zone ? { "Telesync-Next-Callable-Zone": headerSafe(next.zone) } : {}),
    "Telesync-Held": String(next.held),
  };
}
