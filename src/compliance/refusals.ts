import type { ActiveBan } from "./emergency.js";
import { formatLocal } from "./time/civil.js";
import type { RuleRef } from "./types.js";
import { facetRefusalsAt, type Lane, nextAllowedBy } from "./window-search.js";

/** One rule that refuses a call at the decision's instant, and when it alone would next allow one. */
export interface RuleRefusal {
  readonly rule: RuleRef;
  /** `US-AL`, `US`, `campaign`. */
  readonly jurisdiction: string;
  /** The zone whose wall time the rule was read in (a candidate zone or a statute's standard time). */
  readonly zone?: string;
  /** Local wall time in `zone`, e.g. `2026-03-08T20:30 sun`. */
  readonly localTime?: string;
  /** e.g. `no calls on sun`, `calls only 08:00-20:00`, `holiday Pioneer Day: no calls`. */
  readonly reason: string;
  /** The first instant at which this rule alone allows a call; absent if none within the horizon. */
  readonly allowsAt?: Date;
}

export interface RefusalContext {
  readonly lanes: readonly Lane[];
  readonly now: number;
  readonly horizon: number;
  readonly ban?: ActiveBan | undefined;
  readonly cap?:
    | {
        readonly rule: RuleRef;
        readonly jurisdiction: string;
        readonly text: string;
        readonly freeAt?: number | undefined;
      }
    | undefined;
}

const at = (t: number | undefined) =>
  t === undefined || !Number.isFinite(t) ? {} : { allowsAt: new Date(t) };

/**
 * Every rule that refuses at `now`: a declared emergency, a frequency cap, and each restriction
 * (day ban, daily hours, holiday) of each jurisdiction and of the campaign in each candidate zone,
 * with the next instant each one alone allows.
 */
export function listRefusals(context: RefusalContext): RuleRefusal[] {
  const { lanes, now, horizon, ban, cap } = context;
  const out: RuleRefusal[] = [];
  if (ban) {
    out.push({
      rule: { id: `emergency.${ban.ban.jurisdiction}`, version: "operator" },
      jurisdiction: ban.ban.jurisdiction,
      reason: `declared emergency: ${ban.ban.reason}`,
      ...at(ban.end),
    });
  }
  if (cap) out.push({ rule: cap.rule, jurisdiction: cap.jurisdiction, reason: cap.text, ...at(cap.freeAt) });
  for (const refusal of facetRefusalsAt(lanes, now)) {
    out.push({
      rule: refusal.windows.ref,
      jurisdiction: refusal.source.jurisdiction,
      zone: refusal.zone,
      localTime: formatLocal(refusal.day, refusal.msOfDay),
      reason: refusal.windows.label,
      ...at(nextAllowedBy(refusal.zone, refusal.facet, now, horizon, refusal)),
    });
  }
  return out;
}
