import type { CallingHoursDataset, CallingHoursRule, TimeWindow, WeekSchedule } from "../rules-schema.js";

const w = (start: string, end: string): TimeWindow[] => [{ start, end }];
const every = (windows: TimeWindow[]): WeekSchedule => ({
  sun: windows,
  mon: windows,
  tue: windows,
  wed: windows,
  thu: windows,
  fri: windows,
  sat: windows,
});
const noSunday = (windows: TimeWindow[]): WeekSchedule => ({ ...every(windows), sun: [] });
const table = "research notes §2 table, from clickpointsoftware.com and g2leadstosales.com (secondary)";
const holidayTable =
  "research notes §2 holidays, from clickpointsoftware.com state calling hours (secondary)";
const federalHolidays = (observed: "sat-fri-sun-mon" | "sun-mon") => ({
  calendar: "US-federal",
  observed,
  windows: [],
});

function state(code: string, days: WeekSchedule, rest: Partial<CallingHoursRule> = {}): CallingHoursRule {
  return { jurisdiction: `US-${code}`, days, statutory: true, verified: false, sources: [table], ...rest };
}

/**
 * State calling-hour rules that are stricter than the federal 08:00–21:00. A state not listed here
 * gets the federal rule only. All are from secondary tables (`verified: false`); several are ⚠ in the
 * research notes. Where sources disagree the stricter reading is encoded.
 */
export const usStateHours: CallingHoursDataset = {
  id: "us-states",
  version: "2026.11.28",
  effectiveFrom: "2026-11-28",
  sources: [table, holidayTable],
  notes: [
    "Holiday bans use the US federal holiday list; the actual date and the observed date are both banned.",
    "Not encoded (federal hours apply): IL, OR, WY and every state not listed.",
  ],
  rules: [
    state("FL", every(w("08:00", "20:00")), { sources: ["Fla. Stat. 501.616(6)", table] }),
    state("OK", every(w("08:00", "20:00")), { sources: ["Okla. Stat. tit. 15 §775C.4", table] }),
    state("MD", every(w("08:00", "20:00"))),
    state("MA", every(w("08:00", "20:00"))),
    state("CT", every(w("09:00", "20:00")), {
      sources: ["Conn. Gen. Stat. 42-288a as amended Oct 1 2023 (tcpaworld.com)", table],
      note: "Older tables say 09:00-21:00; 09:00-20:00 since Oct 1 2023.",
    }),
    state("AL", noSunday(w("08:00", "20:00")), {
      holidays: federalHolidays("sat-fri-sun-mon"),
      sources: [table, holidayTable],
      note: "⚠ dnc.com says Alabama's rule binds only telecom utilities; applied to all calls.",
    }),
    state("LA", noSunday(w("08:00", "20:00")), {
      holidays: federalHolidays("sat-fri-sun-mon"),
      sources: [table, holidayTable],
      note: "Declared-emergency bans are not encoded.",
    }),
    state("MS", noSunday(w("08:00", "20:00")), {
      holidays: federalHolidays("sun-mon"),
      sources: [table, holidayTable],
      note: "⚠ dropcowboy.com shows 08:00-20:00 on holidays; the stricter holiday ban is encoded.",
    }),
    state("KY", every(w("10:00", "21:00"))),
    state("MI", every(w("09:00", "21:00"))),
    state("MN", every(w("09:00", "21:00"))),
    state("NM", every(w("09:00", "21:00"))),
    state("NV", every(w("09:00", "20:00"))),
    state(
      "PA",
      { ...every(w("08:00", "21:00")), sun: w("13:30", "21:00") },
      {
        holidays: federalHolidays("sat-fri-sun-mon"),
        sources: [holidayTable, "73 P.S. 2245.2 (hours not re-checked)"],
        note: "⚠ Hours not verified in the research notes; holiday ban from the secondary table.",
      },
    ),
    state(
      "RI",
      { ...every(w("09:00", "18:00")), sat: w("10:00", "17:00"), sun: [] },
      {
        holidays: federalHolidays("sat-fri-sun-mon"),
        sources: [holidayTable, "R.I. Gen. Laws 5-61-3.4 (hours not re-checked)"],
        note: "⚠ Hours not verified in the research notes; holiday ban from the secondary table.",
      },
    ),
    state("UT", noSunday(w("08:00", "21:00")), {
      holidays: federalHolidays("sat-fri-sun-mon"),
      sources: [holidayTable, "Utah Code 13-25a-103 (hours not re-checked)"],
      note: "⚠ Hours not verified in the research notes; holiday ban from the secondary table.",
    }),
    state(
      "TX",
      { ...every(w("09:00", "21:00")), sun: w("12:00", "21:00") },
      {
        sources: ["Tex. Bus. & Com. Code 301.051 (not re-checked)"],
        note: "⚠ Not verified in the research notes; stricter than federal, so encoded.",
      },
    ),
    state("WA", every(w("08:00", "20:00")), {
      sources: ["RCW 80.36.390 (not re-checked)"],
      note: "⚠ Not verified in the research notes; stricter than federal, so encoded.",
    }),
  ],
};
