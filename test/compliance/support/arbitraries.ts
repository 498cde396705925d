import fc from "fast-check";
import {
  type CampaignCompliancePolicy,
  campaignCompliancePolicySchema,
  defaultRuleSet,
  type GateInput,
  type GateLead,
} from "../../../src/compliance/index.js";
import { freshRegistries } from "./inputs.js";
import { offsetMinutes } from "./wall-clock.js";

/** Number prefixes and the total digit count after `+`: every rule family, split exchanges, toll-free. */
const numbering: Record<string, readonly (readonly [string, number])[]> = {
  US: [
    "1212555",
    "1305555",
    "1205555",
    "1601555",
    "1504555",
    "1401555",
    "1801555",
    "1215555",
    "1512555",
    "1405555",
    "1410555",
    "1203555",
    "1502555",
    "1907555",
    "1808555",
    "1602555",
    "1702555",
    "1505555",
    "1612555",
    "1313555",
    "1617555",
    "1206555",
    "1208209",
    "1208201",
    "1208215",
    "1850200",
    "1850555",
    "1270202",
    "1219226",
    "1787555",
    "1800555",
    "1888555",
  ].map((p) => [p, 11] as const),
  CA: [
    "1416555",
    "1604555",
    "1403555",
    "1902555",
    "1709555",
    "1867555",
    "1306555",
    "1204555",
    "1514555",
    "1250242",
  ].map((p) => [p, 11] as const),
  GB: [
    ["44207123", 12],
    ["44161496", 12],
    ["447400", 12],
  ] as const,
  AU: [
    ["61292", 11],
    ["61398", 11],
    ["61733", 11],
    ["61893", 11],
    ["61882", 11],
    ["61362", 11],
    ["61889", 11],
    ["614", 11],
  ] as const,
};
type Country = "US" | "CA" | "GB" | "AU";

export function phoneArb(countries: readonly Country[] = ["US", "CA", "GB", "AU"]): fc.Arbitrary<string> {
  const prefixes = countries.flatMap((c) => numbering[c] ?? []);
  return fc
    .tuple(fc.constantFrom(...prefixes), fc.integer({ min: 0, max: 9_999 }))
    .map(([[prefix, length], n]) =>
      `+${prefix}${String(n).padStart(4, "0")}`.slice(0, length + 1).padEnd(length + 1, "0"),
    );
}

const zonesByCountry: Record<Country, readonly string[]> = {
  US: [
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
  ],
  CA: ["America/Toronto", "America/Halifax", "America/St_Johns", "America/Regina", "America/Vancouver"],
  GB: ["Europe/London"],
  AU: [
    "Australia/Sydney",
    "Australia/Perth",
    "Australia/Adelaide",
    "Australia/Brisbane",
    "Australia/Lord_Howe",
  ],
};
const allZones = Object.values(zonesByCountry).flat();

const addressesByCountry: Record<Country, fc.Arbitrary<Partial<GateLead>>> = {
  US: fc.record(
    {
      country: fc.constant("US"),
      region: fc.constantFrom("NY", "FL", "AL", "MS", "AZ", "TX", "ID", "IN", "CA", "Florida", "XX"),
      postalCode: fc.constantFrom("10001", "32501", "35203", "85001", "83814", "99501"),
    },
    { requiredKeys: ["country"] },
  ),
  CA: fc.record({ country: fc.constant("CA"), region: fc.constantFrom("ON", "QC", "BC", "NS", "SK", "NL") }),
  AU: fc.record({ country: fc.constant("AU"), region: fc.constantFrom("NSW", "WA", "QLD", "SA", "VIC") }),
  GB: fc.record({ country: fc.constant("GB") }),
};
const countries: readonly Country[] = ["US", "CA", "GB", "AU"];

/**
 * A lead of one country: mostly a consistent address and CRM zone, sometimes none, and now and then
 * a foreign address or zone (whose windows may never overlap the number's: a block).
 */
export function leadArb(only: readonly Country[] = countries): fc.Arbitrary<GateLead> {
  return fc
    .constantFrom(...only)
    .chain((country) =>
      fc
        .tuple(
          phoneArb([country]),
          fc.oneof(
            { weight: 4, arbitrary: fc.constant({}) },
            { weight: 5, arbitrary: addressesByCountry[country] },
            { weight: 1, arbitrary: fc.constantFrom(...countries).chain((c) => addressesByCountry[c]) },
          ),
          fc.oneof(
            { weight: 6, arbitrary: fc.constant(undefined) },
            { weight: 3, arbitrary: fc.constantFrom(...zonesByCountry[country]) },
            { weight: 1, arbitrary: fc.constantFrom(...allZones) },
          ),
        )
        .map(([phone, address, timeZone]) => ({ phone, ...address, ...(timeZone ? { timeZone } : {}) })),
    );
}

export const campaigns: readonly CampaignCompliancePolicy[] = [
  {},
  { callingDays: ["mon", "tue", "wed", "thu", "fri"], callingHours: [{ start: "10:00", end: "16:00" }] },
  {
    callingHours: [
      { start: "09:00", end: "12:00" },
      { start: "13:00", end: "19:30" },
    ],
  },
  { unknownLocation: "allow-federal-only" },
  { callingDays: ["sat", "sun"], frequencyCap: { maxAttempts: 2, windowHours: 24 } },
  { callingHours: [{ start: "06:00", end: "23:30" }], frequencyCap: { maxAttempts: 4, windowHours: 12 } },
].map((c) => campaignCompliancePolicySchema.parse(c));

const START = Date.parse("2026-01-01T00:00:00Z");
const END = Date.parse("2028-01-01T00:00:00Z");
export const uniformNowArb = fc.integer({ min: START, max: END - 1 });

/** Instants of every UTC-offset change in `zones` during 2026–2027, by the oracle's wall clock. */
export function dstTransitions(zones: readonly string[]): { zone: string; at: number }[] {
  const out: { zone: string; at: number }[] = [];
  const offset = (zone: string, t: number) => offsetMinutes(zone, t);
  const step = 86_400_000; // offsets change months apart: a daily scan finds every change
  for (const zone of zones) {
    for (let t = START; t < END; t += step) {
      if (offset(zone, t) === offset(zone, t + step)) continue;
      let lo = t;
      let hi = t + step;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (offset(zone, mid) === offset(zone, t)) lo = mid;
        else hi = mid;
      }
      out.push({ zone, at: hi });
    }
  }
  return out;
}

/** Attempts 0–30 h before `now`, often none. */
export const attemptsArb = fc.oneof(
  { weight: 3, arbitrary: fc.constant<number[]>([]) },
  { weight: 2, arbitrary: fc.array(fc.integer({ min: 1, max: 30 * 60 }), { maxLength: 6 }) },
);

export function toInput(
  lead: GateLead,
  campaign: CampaignCompliancePolicy,
  now: number,
  minutesAgo: number[],
): GateInput {
  const at = new Date(now);
  return {
    lead,
    campaign,
    policy: defaultRuleSet(),
    history: { attempts: minutesAgo.map((m) => new Date(now - m * 60_000)) },
    suppression: { internalDnc: false, registries: freshRegistries(at) },
    now: at,
  };
}
