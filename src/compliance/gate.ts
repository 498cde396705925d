import type { CampaignCompliancePolicy } from "./campaign-policy.js";
import { banAt, bansFor, type EmergencyBan, openingOutsideBans } from "./emergency.js";
import { type AttemptHistory, checkFrequencyCaps } from "./frequency.js";
import {
  type LocationInput,
  type ParsedPhone,
  type ResolvedLocation,
  resolveLocation,
} from "./location/resolve-location.js";
import { listRefusals, type RefusalContext, type RuleRefusal } from "./refusals.js";
import { indexRuleSet } from "./rule-set.js";
import type { RuleSet } from "./rules-schema.js";
import { checkSuppression, type SuppressionState } from "./suppression.js";
import { TextPool } from "./text-pool.js";
import { formatLocal } from "./time/civil.js";
import { localTime, tzVersion } from "./time/zoned.js";
import type { Evidence, RuleRef } from "./types.js";
import { closingSource, earliestOpening, lanesFor, refusalsAt } from "./window-search.js";
import { windowSources } from "./window-sources.js";

/** The lead as the gate needs it: location fields plus the CRM's do-not-call flag. */
export type GateLead = LocationInput & { readonly doNotCall?: boolean | undefined };

/** Everything a decision depends on; `now` is an input, so the gate is a pure function. */
export interface GateInput {
  readonly lead: GateLead;
  readonly campaign: CampaignCompliancePolicy;
  readonly policy: RuleSet;
  readonly history: AttemptHistory;
  readonly suppression: SuppressionState;
  /** Declared bans in force or scheduled (Louisiana emergencies), read by the caller from its store. */
  readonly emergencies?: readonly EmergencyBan[] | undefined;
  readonly now: Date;
  /** `lead.phone` as the mapping already parsed it (a sync parses each number once); else parsed here. */
  readonly parsedPhone?: ParsedPhone | undefined;
  /** `resolveLocation(lead, parsedPhone)` when the caller already has it; else resolved here. */
  readonly location?: ResolvedLocation | undefined;
}

interface DecisionBase {
  /** The rule that decided (for `allow`: the one whose window closes first). */
  readonly rule: RuleRef;
  /** The data that decided: zone, local time, jurisdiction, detail. */
  readonly evidence: Evidence;
  /** Where the lead was placed, with the trail of how. */
  readonly location: ResolvedLocation;
  /** IANA tz release the local times were computed with (shipped data, not the runtime's). */
  readonly tzVersion: string;
}
/** Call now, but not after `notAfter` (earliest window close or registry snapshot expiry). */
export interface AllowDecision extends DecisionBase {
  readonly decision: "allow";
  readonly notAfter: Date;
}
/** Not now; `until` is the earliest instant at which the gate would allow, given the same inputs. */
export interface WaitDecision extends DecisionBase {
  readonly decision: "wait";
  readonly until: Date;
  /** The first refusal (compatible with earlier versions); `refusals` lists them all. */
  readonly reason: string;
  /** Every rule refusing at `now`, per candidate zone and jurisdiction, with when each alone allows. */
  readonly refusals: readonly RuleRefusal[];
}
/** Not within the search horizon, or not at all without a change of inputs (DNC, stale registry…). */
export interface BlockDecision extends DecisionBase {
  readonly decision: "block";
  readonly reason: string;
  /** For a block on calling time: every rule refusing at `now` (absent for suppression and location). */
  readonly refusals?: readonly RuleRefusal[];
}
export type GateDecision = AllowDecision | WaitDecision | BlockDecision;

const DAY_MS = 86_400_000;

/**
 * Attach `refusals`, worked out on first read (an enumerable, memoized getter, so JSON and the audit
 * log see it): finding when each rule alone next allows costs more than the decision itself, and the
 * hot lease path rarely reads it.
 */
function explained<D extends Omit<WaitDecision, "refusals"> | BlockDecision>(
  decision: D,
  context: RefusalContext,
): D & { readonly refusals: readonly RuleRefusal[] } {
  // One getter shared by every decision, its state in a hidden slot: a getter closure per decision
  // made V8 give each decision a dictionary of its own (9% of a night sync's CPU in the profile).
  // The slot holds the refusals' inputs, not a closure: a closure kept all of `gate`'s scope alive
  // with every held decision (a night sync holds a page of them across its awaits).
  Object.defineProperty(decision, pendingRefusals, { value: context, writable: true });
  return Object.defineProperty(decision, "refusals", { enumerable: true, get: readRefusals }) as D & {
    readonly refusals: readonly RuleRefusal[];
  };
}
/** A decision's hidden slot: the refusals' inputs, then (once read) the refusals. */
const pendingRefusals = Symbol("refusals");
function readRefusals(this: { [pendingRefusals]: RefusalContext | readonly RuleRefusal[] }) {
  const slot = this[pendingRefusals];
  if (Array.isArray(slot)) return slot as readonly RuleRefusal[];
  const refusals = listRefusals(slot as RefusalContext);
  this[pendingRefusals] = refusals;
  return refusals;
}
/**
 * `decision` as the gate decides it for a lead placed at `location` instead of `decision.location`,
 * when both have the same zones and jurisdictions and neither is unknown (a location's basis trail
 * then feeds nothing but the `location` field itself). Refusals not yet worked out stay lazy.
 */
export function relocated<D extends GateDecision>(decision: D, location: ResolvedLocation): D {
  if (!Object.hasOwn(decision, pendingRefusals)) return { ...decision, location };
  // Copied as defined (the refusals getter and its hidden slot), in the same key order.
  const descriptors = Object.getOwnPropertyDescriptors(decision);
  (descriptors as Record<string, PropertyDescriptor>).location = { ...descriptors.location, value: location };
  return Object.defineProperties({}, descriptors) as D;
}

/** A page of held leads shares a handful of reasons and local times: one copy of each. */
const texts = new TextPool(1_000);
const unknownRef: RuleRef = { id: "location.unknown", version: "campaign-policy" };
const noJurisdictionRef: RuleRef = { id: "jurisdiction.unsupported", version: "rule-set" };

/**
 * The compliance gate: may this lead be called at `now` for this campaign? Checks, in order:
 * suppression (internal DNC, CRM flag, registry listing, registry snapshot age), location (unknown
 * numbers follow the campaign's policy), supported jurisdictions, per-number frequency caps, and
 * calling hours intersected over every candidate zone × jurisdiction plus the campaign's own hours.
 */
export function gate(input: GateInput): GateDecision {
  const { campaign, suppression, history } = input;
  const now = input.now.getTime();
  if (!Number.isFinite(now)) throw new RangeError("gate: `now` is not a valid Date");
  const index = indexRuleSet(input.policy);
  const location = input.location ?? resolveLocation(input.lead, input.parsedPhone);
  const block = (reason: string, rule: RuleRef, evidence: Evidence = {}): BlockDecision => ({
    decision: "block",
    reason,
    rule,
    evidence,
    location,
    tzVersion,
  });

  const countries = location.jurisdictions.filter((j) => j.length === 2);
  const supp = checkSuppression(index, countries, campaign, suppression, input.lead.doNotCall === true, now);
  if (supp.block) return block(supp.block.reason, supp.block.rule, supp.block.evidence);

  // Allow and wait decisions for a lead placed only by its address say so in their evidence.
  const note = (evidence: Evidence): Evidence =>
    location.unknown
      ? {
          ...evidence,
          detail: [evidence.detail, "number gives no location: allow-federal-only"]
            .filter(Boolean)
            .join("; "),
        }
      : evidence;
  let zones = location.zones;
  if (location.unknown) {
    const detail = location.basis.join("; ");
    if (campaign.unknownLocation === "block") return block("location unknown", unknownRef, { detail });
    if (zones.length === 0) zones = location.countryZones;
  }
  if (zones.length === 0)
    return block("no candidate time zone", unknownRef, { detail: location.basis.join("; ") });
  if (countries.length === 0) return block("no jurisdiction known", noJurisdictionRef);
  const unsupported = countries.filter((c) => !index.hours.has(c));
  if (unsupported.length > 0) {
    return block(`no calling-hours rules for ${unsupported.join(", ")}`, noJurisdictionRef, {
      jurisdiction: unsupported.join(", "),
    });
  }

  const cap = checkFrequencyCaps(index, location.jurisdictions, campaign, history, now);
  const capText = cap.ok
    ? ""
    : `frequency cap ${cap.cap.jurisdiction}: ${cap.count} attempts in ${cap.cap.windowMs / 3_600_000} h (max ${cap.cap.maxAttempts})`;
  if (!cap.ok && cap.freeAt === undefined) {
    return block(`${capText}; attempt times unknown`, cap.cap.ref, { jurisdiction: cap.cap.jurisdiction });
  }

  const sources = windowSources(index, location.jurisdictions, campaign);
  const lanes = lanesFor(zones, sources);
  const horizon = now + index.horizonDays * DAY_MS;
  const bans = bansFor(input.emergencies, location.jurisdictions);
  const banNow = banAt(bans, now);
  const from = cap.ok ? now : Math.max(now, cap.freeAt ?? now);
  const found = openingOutsideBans(bans, from, (t) => earliestOpening(lanes, t, horizon));
  const opening = found?.opening;
  const refusals: RefusalContext = {
    lanes,
    now,
    horizon,
    ban: banNow,
    cap: cap.ok
      ? undefined
      : { rule: cap.cap.ref, jurisdiction: cap.cap.jurisdiction, text: capText, freeAt: cap.freeAt },
  };
  const banText = banNow
    ? `declared emergency in ${banNow.ban.jurisdiction} until ${banNow.ban.until}: ${banNow.ban.reason}`
    : "";
  // Why `now` is refused (only worked out when it is): prefer a rule that still refuses just before
  // the wait ends, i.e. the one that decided how long the wait is.
  const explain = () => {
    const atNow = refusalsAt(lanes, now);
    const binding = opening && opening.at - 1 >= now ? refusalsAt(lanes, opening.at - 1) : [];
    const refusal =
      atNow.find((r) => binding.some((b) => b.zone === r.zone && b.source === r.source)) ?? atNow[0];
    const evidence: Evidence = refusal
      ? {
          zone: refusal.zone,
          localTime: texts.shared(formatLocal(refusal.day, refusal.msOfDay)),
          jurisdiction: refusal.source.jurisdiction,
          ...(capText ? { detail: capText } : {}),
        }
      : {};
    const text = refusal ? `${refusal.windows.label} (${refusal.source.jurisdiction})` : "";
    return { refusal, evidence, text };
  };

  if (!opening) {
    const { refusal, evidence, text } = explain();
    const rule = banNow
      ? { id: `emergency.${banNow.ban.jurisdiction}`, version: "operator" }
      : (refusal?.windows.ref ?? { id: "hours.none-within-horizon", version: "rule-set" });
    const why = banText || text || capText || "candidate zones' windows never overlap";
    return explained(
      block(`no permitted calling time within ${index.horizonDays} days: ${why}`, rule, evidence),
      refusals,
    );
  }
  if (supp.staleAt && opening.at > supp.staleAt.at) {
    return block(
      `stale registry snapshot: ${supp.staleAt.country} expires before the next permitted time`,
      supp.staleAt.rule,
      {
        jurisdiction: supp.staleAt.country,
        detail: `expires ${new Date(supp.staleAt.at).toISOString()}, next window ${new Date(opening.at).toISOString()}`,
      },
    );
  }

  if (opening.at === now) {
    if (supp.staleAt && supp.staleAt.at < opening.closes) {
      return {
        decision: "allow",
        notAfter: new Date(supp.staleAt.at),
        rule: supp.staleAt.rule,
        evidence: note({ jurisdiction: supp.staleAt.country, detail: "registry snapshot expires" }),
        location,
        tzVersion,
      };
    }
    if (found?.closedBy) {
      return {
        decision: "allow",
        notAfter: new Date(opening.closes),
        rule: { id: `emergency.${found.closedBy.ban.jurisdiction}`, version: "operator" },
        evidence: note({
          jurisdiction: found.closedBy.ban.jurisdiction,
          detail: `declared emergency from ${new Date(found.closedBy.start).toISOString()}: ${found.closedBy.ban.reason}`,
        }),
        location,
        tzVersion,
      };
    }
    const closer = closingSource(opening.closingZone, opening.closingLane.sources, opening.closes);
    const local = localTime(opening.closingZone, opening.closes);
    return {
      decision: "allow",
      notAfter: new Date(opening.closes),
      rule: closer?.windows(local.msOfDay === 0 ? local.day - 1 : local.day).ref ?? noJurisdictionRef,
      evidence: note({
        zone: opening.closingZone,
        localTime: formatLocal(local.day, local.msOfDay),
        ...(closer ? { jurisdiction: closer.jurisdiction } : {}),
      }),
      location,
      tzVersion,
    };
  }

  const { refusal, evidence, text } = explain();
  if (banNow) {
    return explained(
      {
        decision: "wait",
        until: new Date(opening.at),
        reason: banText,
        rule: { id: `emergency.${banNow.ban.jurisdiction}`, version: "operator" },
        evidence: note({ jurisdiction: banNow.ban.jurisdiction, detail: banNow.ban.reason }),
        location,
        tzVersion,
      },
      refusals,
    );
  }
  if (refusal) {
    return explained(
      {
        decision: "wait",
        until: new Date(opening.at),
        reason: texts.shared(`outside permitted calling time: ${text}`),
        rule: refusal.windows.ref,
        evidence: note(evidence),
        location,
        tzVersion,
      },
      refusals,
    );
  }
  const capRule = cap.ok ? { id: "hours.intersection", version: "rule-set" } : cap.cap.ref;
  return explained(
    {
      decision: "wait",
      until: new Date(opening.at),
      reason: capText || "outside permitted calling time",
      rule: capRule,
      evidence: note(cap.ok ? {} : { jurisdiction: cap.cap.jurisdiction, detail: capText }),
      location,
      tzVersion,
    },
    refusals,
  );
}
