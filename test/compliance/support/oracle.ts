// An independent reference for "may this lead be called at instant t": its own wall clock (Intl plus the
// hand-written 2026 Canadian changes, ./wall-clock.ts), its own zones (./oracle-zones.ts, which the
// gate's candidates must cover), hand-written holiday dates (from OPM and the Australian national
// list) and a hand-written table of calling hours from the statutes below. It imports no gate data.
import type { CampaignCompliancePolicy } from "../../../src/compliance/campaign-policy.js";
import type { ResolvedLocation } from "../../../src/compliance/location/resolve-location.js";
import type { Weekday } from "../../../src/compliance/types.js";
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

/** `[start, end)` local wall time, "HH:MM". */
interface Window {
  start: string;
  end: string;
}
type Week = Record<Weekday, readonly Window[]>;
interface Hours {
  days: Week;
  /** Whose banned dates apply (no calls on them): the state's own list, or Australia's national one. */
  holidays?: "state" | "AU-national";
}

const win = (start: string, end: string): Window[] => [{ start, end }];
const every = (w: Window[]): Week => ({ sun: w, mon: w, tue: w, wed: w, thu: w, fri: w, sat: w });
const noSunday = (w: Window[]): Week => ({ ...every(w), sun: [] });

/**
 * Calling hours per jurisdiction, written by hand from the law (state lines from the reference
 * notes' table, /work/shared/reference/compliance.md §2–3, with the citation per line).
 */
const hoursTable: Readonly<Record<string, Hours>> = {
  // 47 CFR 64.1200(c)(1) and 16 CFR 310.4(c): not before 8 a.m. or after 9 p.m. local time.
  US: { days: every(win("08:00", "21:00")) },
  // Fla. Stat. 501.616(6)(a): 8 a.m.–8 p.m.
  "US-FL": { days: every(win("08:00", "20:00")) },
  // Okla. Stat. tit. 15 §775C.4: 8 a.m.–8 p.m.
  "US-OK": { days: every(win("08:00", "20:00")) },
  // Md. Com. Law 14-4501 (Stop the Spam Calls Act, 2024): 8 a.m.–8 p.m.
  "US-MD": { days: every(win("08:00", "20:00")) },
  // Mass. (201 CMR 12.02, state tables): 8 a.m.–8 p.m.
  "US-MA": { days: every(win("08:00", "20:00")) },
  // Conn. Gen. Stat. 42-288a as amended Oct 1 2023: 9 a.m.–8 p.m.
  "US-CT": { days: every(win("09:00", "20:00")) },
  // Ala. Admin. Code r. 770-X-5-.17(1)(b): 8 a.m.–8 p.m., none on Sundays or holidays (Ala. Code 1-3-8).
  "US-AL": { days: noSunday(win("08:00", "20:00")), holidays: "state" },
  // La. R.S. 45:811(2)-(3), LPSC R-29617: 8 a.m.–8 p.m. Mon–Sat, none on Sundays or legal holidays (R.S. 1:55).
  "US-LA": { days: noSunday(win("08:00", "20:00")), holidays: "state" },
  // Miss. Code 77-3-723(1): 8 a.m.–8 p.m. Central Standard Time, none on Sunday (holidays: state-holidays.ts).
  "US-MS": { days: noSunday(win("08:00", "20:00")), holidays: "state" },
  // Ky. Rev. Stat. 367.46955(12) (state tables): 10 a.m.–9 p.m.
  "US-KY": { days: every(win("10:00", "21:00")) },
  // Mich. Comp. Laws 445.111b (state tables): 9 a.m.–9 p.m.
  "US-MI": { days: every(win("09:00", "21:00")) },
  // Minn. Stat. 325E.27 (state tables): 9 a.m.–9 p.m.
  "US-MN": { days: every(win("09:00", "21:00")) },
  // N.M. Stat. 57-12-22 (state tables): 9 a.m.–9 p.m.
  "US-NM": { days: every(win("09:00", "21:00")) },
  // Nev. Rev. Stat. 228.590 (state tables): 9 a.m.–8 p.m.
  "US-NV": { days: every(win("09:00", "20:00")) },
  // 73 P.S. 2245(a)(10) (Act 73 of 2019): none on legal holidays; 8 a.m.–9 p.m., Sunday from 1:30 p.m. (older state tables, the stricter reading).
  "US-PA": { days: { ...every(win("08:00", "21:00")), sun: win("13:30", "21:00") }, holidays: "state" },
  // R.I. Gen. Laws 5-61-2(2): Mon–Fri 9 a.m.–6 p.m., Sat 10 a.m.–5 p.m., except a state or federal holiday; no Sunday.
  "US-RI": {
    days: { ...every(win("09:00", "18:00")), sat: win("10:00", "17:00"), sun: [] },
    holidays: "state",
  },
  // Utah Code 13-25a-103(3): 8 a.m.–9 p.m., none on Sundays or legal holidays (63G-1-301).
  "US-UT": { days: noSunday(win("08:00", "21:00")), holidays: "state" },
  // Tex. Bus. & Com. Code 301.051: 9 a.m.–9 p.m., Sunday noon–9 p.m.
  "US-TX": { days: { ...every(win("09:00", "21:00")), sun: win("12:00", "21:00") } },
  // RCW 80.36.390(2): 8 a.m.–8 p.m.
  "US-WA": { days: every(win("08:00", "20:00")) },
  // CRTC Unsolicited Telecommunications Rules, Part III s. 33: 9:00–21:30 weekdays, 10:00–18:00 weekends.
  CA: {
    days: { ...every(win("09:00", "21:30")), sat: win("10:00", "18:00"), sun: win("10:00", "18:00") },
  },
  // Telecommunications (Telemarketing and Research Calls) Industry Standard 2017 s. 12: weekdays
  // 9:00–20:00, Sat 9:00–17:00, no Sundays or national public holidays.
  AU: {
    days: { ...every(win("09:00", "20:00")), sat: win("09:00", "17:00"), sun: [] },
    holidays: "AU-national",
  },
  // GB: no statutory hours (PECR reg. 21; compliance.md §3); telesync's declared practice is 8:00–21:00.
  GB: { days: every(win("08:00", "21:00")) },
};

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const inside = (windows: readonly Window[], minute: number) =>
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
      const rule = hoursTable[jurisdiction];
      if (!rule) continue;
      if (!inside(rule.days[weekday], minute)) return `${jurisdiction} hours in ${at}`;
      if (jurisdiction === "US-MS") {
        // Miss. Code 77-3-723(1): 8 a.m.-8 p.m. "Central Standard Time", read as also holding at UTC-6.
        const standard = wallTime("Etc/GMT+6", t);
        if (standard.minute < 8 * 60 || standard.minute >= 20 * 60) return `US-MS standard time in ${at}`;
      }
      if (rule.holidays) {
        const banned =
          rule.holidays === "state"
            ? stateBannedDates[jurisdiction]
            : bannedDates["AU-national|next-weekday"];
        if (!banned) throw new Error(`oracle has no dates for ${jurisdiction}`);
        // Every holiday ban in the table is whole-day: no calls at all on a banned date.
        if (banned.has(date)) return `${jurisdiction} holiday in ${at}`;
      }
    }
  }
  return undefined;
}
