import type { CampaignCompliancePolicy } from "./campaign-policy.js";
import { indexRuleSet, type RuleIndex } from "./rule-set.js";
import type { RuleSet } from "./rules-schema.js";
import type { RuleRef } from "./types.js";

/**
 * Call attempts already made to this number by this seller, across all campaigns. Give the attempt
 * times when you have them: then a capped lead waits until the oldest attempt ages out instead of
 * being blocked.
 */
export type AttemptHistory =
  | { readonly attempts: readonly Date[] }
  | { readonly attemptsLast24h: number; readonly attempts?: undefined };

/** A cap that applies to a lead: a state's (FL, OK, MD) or the campaign's own. */
interface Cap {
  readonly ref: RuleRef;
  readonly jurisdiction: string;
  readonly maxAttempts: number;
  readonly windowMs: number;
}

export type CapCheck =
  | { readonly ok: true }
  /** Over the cap; `freeAt` is when enough attempts have aged out, if attempt times were given. */
  | { readonly ok: false; readonly cap: Cap; readonly count: number; readonly freeAt?: number };

const campaignCapRef: RuleRef = { id: "campaign.frequency-cap", version: "campaign-policy" };
const HOUR_MS = 3_600_000;

function capsFor(
  index: RuleIndex,
  jurisdictions: readonly string[],
  campaign: CampaignCompliancePolicy,
): Cap[] {
  const caps: Cap[] = [
    {
      ref: campaignCapRef,
      jurisdiction: "campaign",
      maxAttempts: campaign.frequencyCap.maxAttempts,
      windowMs: campaign.frequencyCap.windowHours * HOUR_MS,
    },
  ];
  for (const jurisdiction of jurisdictions) {
    const indexed = index.caps.get(jurisdiction);
    if (indexed) {
      const { rule, ref } = indexed;
      caps.push({ ref, jurisdiction, maxAttempts: rule.maxAttempts, windowMs: rule.windowHours * HOUR_MS });
    }
  }
  return caps;
}

/**
 * The rolling caps (window, max attempts) that apply to a lead in these resolved jurisdictions under
 * the campaign's policy: what a lease reserves an attempt against before the call is placed.
 */
export function capLimitsFor(
  ruleSet: RuleSet,
  jurisdictions: readonly string[],
  campaign: CampaignCompliancePolicy,
): Array<{ windowMs: number; maxAttempts: number }> {
  return capsFor(indexRuleSet(ruleSet), jurisdictions, campaign).map(({ windowMs, maxAttempts }) => ({
    windowMs,
    maxAttempts,
  }));
}

/**
 * Checks every applicable rolling cap at `now`. Over a cap with attempt times known, the result says
 * when the lead is under every cap again; with only a 24 h count it has no such time (the gate blocks).
 */
export function checkFrequencyCaps(
  index: RuleIndex,
  jurisdictions: readonly string[],
  campaign: CampaignCompliancePolicy,
  history: AttemptHistory,
  now: number,
): CapCheck {
  let worst: CapCheck = { ok: true };
  for (const cap of capsFor(index, jurisdictions, campaign)) {
    if (history.attempts === undefined) {
      // A 24 h count bounds any shorter window from above; a longer window cannot be judged from it.
      const count = history.attemptsLast24h;
      if (count >= cap.maxAttempts || cap.windowMs > 24 * HOUR_MS) return { ok: false, cap, count };
      continue;
    }
    const inWindow = history.attempts
      .map((a) => a.getTime())
      .filter((a) => a > now - cap.windowMs)
      .sort((a, b) => a - b);
    if (inWindow.length < cap.maxAttempts) continue;
    const freeAt = (inWindow[inWindow.length - cap.maxAttempts] as number) + cap.windowMs;
    if (worst.ok || (worst.freeAt !== undefined && freeAt > worst.freeAt)) {
      worst = { ok: false, cap, count: inWindow.length, freeAt };
    }
  }
  return worst;
}
