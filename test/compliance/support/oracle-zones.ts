// The oracle's own idea of where a generated lead may be: written by hand from the numbering plans
// (NANPA/CNA area-code maps), 49 CFR 71 and provincial time laws, for exactly the prefixes, regions
// and postal codes the arbitraries generate. It does not read the gate's zone data; the property
// checks then require the gate's candidates to cover these (by behaviour: same wall clock).
import type { GateLead } from "../../../src/compliance/index.js";
import { offsetMinutes } from "./wall-clock.js";

const ET = "America/New_York";
const CT = "America/Chicago";
const MT = "America/Denver";
const PT = "America/Los_Angeles";
const MST_ALL_YEAR = "America/Phoenix"; // Creston, Dawson Creek, Fort Nelson, Yukon: UTC-7, no DST
const AST_ALL_YEAR = "America/Puerto_Rico"; // Blanc-Sablon: UTC-4, no DST
const BC = ["America/Vancouver", "America/Edmonton", MST_ALL_YEAR];

/** NANP area code → every zone used in the area (or in the region it overlays). */
const areaZones: Readonly<Record<string, readonly string[]>> = {
  "212": [ET],
  "305": [ET],
  "205": [CT],
  "601": [CT],
  "504": [CT],
  "401": [ET],
  "801": [MT],
  "215": [ET],
  "512": [CT],
  "405": [CT],
  "410": [ET],
  "203": [ET],
  "502": [ET],
  "808": ["Pacific/Honolulu"],
  "907": ["America/Anchorage", "America/Adak"],
  "602": [MST_ALL_YEAR],
  "702": [PT],
  "505": [MT],
  "612": [CT],
  "313": [ET],
  "617": [ET],
  "206": [PT],
  "208": [MT, PT],
  "850": [CT, ET],
  "270": [CT, ET],
  "219": [CT, ET],
  "787": [AST_ALL_YEAR],
  "416": [ET],
  "604": ["America/Vancouver"],
  "403": ["America/Edmonton"],
  "902": ["America/Halifax"],
  "709": ["America/St_Johns", "America/Goose_Bay"],
  "306": ["America/Regina", "America/Edmonton"],
  "204": ["America/Winnipeg"],
  "514": [ET],
  "250": BC,
  "867": [
    MST_ALL_YEAR,
    "America/Edmonton",
    "America/Iqaluit",
    "America/Rankin_Inlet",
    "America/Cambridge_Bay",
  ],
};

/** Address region → every zone in official (or settled unofficial) use there. */
const regionZones: Readonly<Record<string, readonly string[]>> = {
  "US|NY": [ET],
  "US|FL": [ET, CT],
  "US|FLORIDA": [ET, CT],
  "US|AL": [CT],
  "US|MS": [CT],
  "US|AZ": [MST_ALL_YEAR, MT],
  "US|TX": [CT, MT],
  "US|ID": [MT, PT],
  "US|IN": [ET, CT],
  "US|CA": [PT],
  "CA|ON": [ET, "America/Winnipeg"],
  "CA|QC": [ET, "America/Halifax", AST_ALL_YEAR],
  "CA|BC": BC,
  "CA|NS": ["America/Halifax"],
  "CA|SK": ["America/Regina", "America/Edmonton"],
  "CA|NL": ["America/St_Johns", "America/Goose_Bay"],
  "AU|NSW": ["Australia/Sydney", "Australia/Broken_Hill", "Australia/Lord_Howe"],
  "AU|WA": ["Australia/Perth"],
  "AU|QLD": ["Australia/Brisbane"],
  "AU|SA": ["Australia/Adelaide"],
  "AU|VIC": ["Australia/Melbourne"],
  "GB|": ["Europe/London"],
};

/** US ZIP → its state's zones (USPS allocation: 100 NY, 325 FL, 352 AL, 850 AZ, 838 ID, 995 AK). */
const zipZones: Readonly<Record<string, readonly string[]>> = {
  "10001": [ET],
  "32501": [ET, CT],
  "35203": [CT],
  "85001": [MST_ALL_YEAR, MT],
  "83814": [MT, PT],
  "99501": ["America/Anchorage", "America/Adak"],
};

/** Fixed-line prefixes outside NANP (Ofcom / ACMA numbering plans). */
const otherPrefixes: ReadonlyArray<readonly [string, readonly string[]]> = [
  ["44", ["Europe/London"]],
  ["6129", ["Australia/Sydney"]],
  ["6139", ["Australia/Melbourne"]],
  ["6173", ["Australia/Brisbane"]],
  ["6189", ["Australia/Perth"]],
  ["61882", ["Australia/Adelaide"]],
  ["61889", ["Australia/Darwin"]],
  ["61362", ["Australia/Hobart"]],
];

/** The zones the oracle says a generated lead may be in (empty when the number gives none). */
export function oracleZones(lead: GateLead): string[] {
  const zones = new Set<string>();
  const digits = lead.phone.slice(1);
  if (digits.startsWith("1")) for (const z of areaZones[digits.slice(1, 4)] ?? []) zones.add(z);
  else
    for (const [prefix, list] of otherPrefixes)
      if (digits.startsWith(prefix)) for (const z of list) zones.add(z);
  const country = lead.country?.toUpperCase();
  if (country) {
    const region = lead.region?.toUpperCase() ?? "";
    for (const z of regionZones[`${country}|${region}`] ?? []) zones.add(z);
    if (country === "US" && lead.postalCode) for (const z of zipZones[lead.postalCode] ?? []) zones.add(z);
  }
  if (lead.timeZone) zones.add(lead.timeZone);
  return [...zones];
}

// Two zone names behave alike if their offsets agree at these instants (both years, both seasons).
const samples = ["2026-01-15", "2026-04-15", "2026-07-15", "2026-11-15", "2027-01-15", "2027-07-15"].map(
  (d) => Date.parse(`${d}T12:00:00Z`),
);
const alike = new Map<string, boolean>();
function behavesLike(a: string, b: string): boolean {
  if (a === b) return true;
  const key = `${a}|${b}`;
  let same = alike.get(key);
  if (same === undefined) {
    same = samples.every((t) => offsetMinutes(a, t) === offsetMinutes(b, t));
    alike.set(key, same);
  }
  return same;
}

/** Oracle zones that no gate candidate matches in behaviour. */
export function uncoveredZones(oracle: readonly string[], gateZones: readonly string[]): string[] {
  return oracle.filter((z) => !gateZones.some((g) => behavesLike(z, g)));
}
