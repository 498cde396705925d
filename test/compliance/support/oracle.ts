// An independent reference for "may this lead be called at instant t": its own wall clock (Intl plus the
// hand-written 2026 Canadian changes, ./wall-clock.ts), its own zones (./oracle-zones.ts, which the
// gate's candidates must cover) and hand-written holiday dates (from OPM and the Australian national
// list), not the engine's code. The hours windows still come from the gate's rule set (TODO: the
// rule half of issue 9 item 8).
import type { CampaignCompliancePolicy } from "../../../src/compliance/campaign-policy.js";
import type { ResolvedLocation } from "../../../src/compliance/location/resolve-location.js";
import { defaultRuleSet } from "../../../src/compliance/rule-set.js";
import type { CallingHoursRule, TimeWindow } from "../../../src/compliance/rules-schema.js";
import { stateBannedDates } from "./state-holidays.js";
import { wallTime } from "./wall-clock.js";

const usFederal = {
  2025: ["01-01", "01-20", "02-17", "05-26", "06-19", "07-04", "09-01", "10-13", "11-11", "11-27", "12-25"],
  2026: ["01-01", "01-19", "02-16", "05-25", "06-19", "07-04", "09-07", "10-12", "11-11", "11-26", "12-25"],
  2027: ["01-01", "01-18", "02-15", "05-31", "06-19", "07-04", "09-06", "10-11", "11-11", "11-25", "12-25"],
  2028: ["01-01", "01-17", "02-21", "05-29", "06-19", "07-04", "09-04", "10-09", "11-11", "11-23", "12-25"],
};
const usActual = Object.entries(usFederal).flatMap(([y, days]) => days.map((d) => `${y}-${d}`));

/** Banned dates per calendar and observed-shift policy, written out by hand for 2025–2028. */
export const bannedDates: Record<string, ReadonlySet<string>> = {
  "US-federal|sat-fri-sun-mon": new Set([
    ...usActual,
    "2026-07-03",
    "2027-06-18",
    "2027-07-05",
    "2027-12-24",
    "2027-12-31",
    "2028-11-10",
  ]),
  "US-federal|sun-mon": new Set([...usActual, "2027-07-05"]),
  "AU-national|next-weekday": new Set([
    "2025-01-01",
    "2025-01-27",
    "2025-01-26",
    "2025-04-18",
    "2025-04-21",
    "2025-04-25",
    "2025-12-25",
    "2025-12-26",
    "2026-01-01",
    "2026-01-26",
    "2026-04-03",
    "2026-04-06",
    "2026-04-25",
    "2026-04-27",
    "2026-12-25",
    "2026-12-26",
    "2026-12-28",
    "2027-01-01",
    "2027-01-26",
    "2027-03-26",
    "2027-03-29",
    "2027-04-25",
    "2027-04-26",
    "2027-12-25",
    "2027-12-26",
    "2027-12-27",
    "2027-12-28",
    "2028-01-01",
    "2028-01-03",
    "2028-01-26",
    "2028-04-14",
    "2028-04-17",
    "2028-04-25",
    "2028-12-25",
    "2028-12-26",
  ]),
};

const hoursRules = new Map<string, CallingHoursRule>(
  defaultRuleSet().callingHours.flatMap((d) => d.rules.map((r) => [r.jurisdiction, r] as const)),
);
const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const inside = (windows: readonly TimeWindow[], minute: number) =>
  windows.some((w) => minute >= minutes(w.start) && minute < minutes(w.end));

/** The zones the gate must respect for this location under this campaign. */
export function candidateZones(location: ResolvedLocation): readonly string[] {
  return location.unknown && location.zones.length === 0 ? location.countryZones : location.zones;
}

/** Why instant `t` is illegal for this location and campaign (hours, days, holidays), or undefined if legal. */
export function illegalBecause(
  location: ResolvedLocation,
  campaign: CampaignCompliancePolicy,
  t: number,
): string | undefined {
  for (const zone of candidateZones(location)) {
    const { date, weekday, minute } = wallTime(zone, t);
    const at = `${zone} ${date} ${weekday} minute ${minute.toFixed(2)}`;
    if (!campaign.callingDays.includes(weekday) || !inside(campaign.callingHours, minute)) {
      return `campaign in ${at}`;
    }
    for (const jurisdiction of location.jurisdictions) {
      const rule = hoursRules.get(jurisdiction);
      if (!rule) continue;
      if (!inside(rule.days[weekday], minute)) return `${jurisdiction} hours in ${at}`;
      if (jurisdiction === "US-MS") {
        // Miss. Code 77-3-723(1): 8 a.m.-8 p.m. "Central Standard Time", read as also holding at UTC-6.
        const standard = wallTime("Etc/GMT+6", t);
        if (standard.minute < 8 * 60 || standard.minute >= 20 * 60) return `US-MS standard time in ${at}`;
      }
      if (rule.holidays) {
        const key = `${rule.holidays.calendar}|${rule.holidays.observed}`;
        const banned = stateBannedDates[jurisdiction] ?? bannedDates[key];
        if (!banned) throw new Error(`oracle has no dates for ${jurisdiction} (${key})`);
        if (banned.has(date) && !inside(rule.holidays.windows, minute)) {
          return `${jurisdiction} holiday in ${at}`;
        }
      }
    }
  }
  return undefined;
}
