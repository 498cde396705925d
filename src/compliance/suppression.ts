import type { CampaignCompliancePolicy } from "./campaign-policy.js";
import type { RuleIndex } from "./rule-set.js";
import type { Evidence, RuleRef } from "./types.js";

/** What the suppression lists say about this number at decision time. */
export interface SuppressionState {
  /** On the seller's own do-not-call list (or opted out through any channel). */
  readonly internalDnc: boolean;
  /** Per country (`US`, `CA`, `GB`, `AU`): was the number on the national registry, and when was it checked. */
  readonly registries: Readonly<Record<string, { readonly listed: boolean; readonly snapshotAt: string }>>;
}

export interface SuppressionBlock {
  readonly reason: string;
  readonly rule: RuleRef;
  readonly evidence: Evidence;
}

export interface SuppressionResult {
  readonly block?: SuppressionBlock;
  /** When the first required registry snapshot becomes too old (epoch ms), with its rule. */
  readonly staleAt?: { readonly at: number; readonly rule: RuleRef; readonly country: string };
}

const DAY_MS = 86_400_000;
const internalRef: RuleRef = { id: "dnc.internal", version: "suppression" };
const crmRef: RuleRef = { id: "dnc.crm", version: "lead" };

/**
 * Internal DNC, CRM do-not-call flag, registry listings, and the freshness of every registry the
 * campaign requires for the lead's countries (missing or too old → block).
 */
export function checkSuppression(
  index: RuleIndex,
  countries: readonly string[],
  campaign: CampaignCompliancePolicy,
  suppression: SuppressionState,
  crmDoNotCall: boolean,
  now: number,
): SuppressionResult {
  if (suppression.internalDnc) {
    return {
      block: { reason: "number is on the internal do-not-call list", rule: internalRef, evidence: {} },
    };
  }
  if (crmDoNotCall) {
    return { block: { reason: "lead is marked do-not-call in the CRM", rule: crmRef, evidence: {} } };
  }
  for (const [country, entry] of Object.entries(suppression.registries)) {
    if (!entry.listed) continue;
    const rule = index.registries.get(country)?.ref ?? { id: `registry.${country}`, version: "suppression" };
    const name = index.registries.get(country)?.rule.name ?? `${country} registry`;
    return {
      block: {
        reason: `number is listed on the ${name}`,
        rule,
        evidence: { jurisdiction: country, detail: `snapshot ${entry.snapshotAt}` },
      },
    };
  }
  let staleAt: SuppressionResult["staleAt"];
  for (const country of countries) {
    if (!campaign.requiredRegistries.includes(country)) continue;
    const indexed = index.registries.get(country);
    const rule = indexed?.ref ?? { id: `registry.${country}`, version: "campaign-policy" };
    const limits = [indexed?.rule.maxAgeDays, campaign.registryMaxAgeDays[country]].filter(
      (d): d is number => d !== undefined,
    );
    const entry = suppression.registries[country];
    const snapshot = entry ? Date.parse(entry.snapshotAt) : Number.NaN;
    const evidence: Evidence = { jurisdiction: country, detail: `snapshot ${entry?.snapshotAt ?? "none"}` };
    if (limits.length === 0) {
      return { block: { reason: `no snapshot age limit known for the ${country} registry`, rule, evidence } };
    }
    if (Number.isNaN(snapshot)) {
      return { block: { reason: `no registry snapshot for ${country}`, rule, evidence } };
    }
    const expires = snapshot + Math.min(...limits) * DAY_MS;
    if (now > expires) {
      return {
        block: {
          reason: `stale registry snapshot: ${country} checked ${entry?.snapshotAt}, limit ${Math.min(...limits)} days`,
          rule,
          evidence,
        },
      };
    }
    if (!staleAt || expires < staleAt.at) staleAt = { at: expires, rule, country };
  }
  return staleAt ? { staleAt } : {};
}
