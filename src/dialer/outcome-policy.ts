import { ownEntry } from "../config/lookup.js";
import type { CampaignConfig } from "../config/schema.js";

export type NextStep =
  | { action: "done" }
  | { action: "retry"; at: Date; attempts: number }
  | { action: "callback"; at: Date; attempts: number }
  | { action: "suppress" };

/**
 * What happens to a lead after an outcome, from the campaign's policy for the disposition.
 * Pure. `attempts` counts this call; a retry past `maxAttempts` is done.
 */
export function nextStep(input: {
  campaign: CampaignConfig;
  disposition: string;
  attemptsBefore: number;
  callbackAt?: string | undefined;
  consentRevoked?: boolean | undefined;
  now: Date;
}): NextStep {
  if (input.consentRevoked) return { action: "suppress" };
  const attempts = input.attemptsBefore + 1;
  const policy = ownEntry(input.campaign.outcomes, input.disposition);
  if (!policy) {
    // A callback time with no explicit policy still means "call again then".
    return input.callbackAt
      ? callbackAt(input.callbackAt, input.now, 86_400_000, attempts)
      : { action: "done" };
  }
  switch (policy.action) {
    case "done":
      return { action: "done" };
    case "suppress":
      return { action: "suppress" };
    case "retry":
      return attempts >= policy.maxAttempts
        ? { action: "done" }
        : { action: "retry", at: new Date(input.now.getTime() + policy.delay), attempts };
    case "callback":
      return callbackAt(input.callbackAt, input.now, policy.fallbackDelay, attempts);
  }
}

function callbackAt(
  requested: string | undefined,
  now: Date,
  fallbackMs: number,
  attempts: number,
): NextStep {
  const at = requested ? new Date(requested) : new Date(now.getTime() + fallbackMs);
  return { action: "callback", at: at.getTime() > now.getTime() ? at : now, attempts };
}
