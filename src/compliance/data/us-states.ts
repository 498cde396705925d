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
const stateHolidays = (calendar: string | string[], observed: "sat-fri-sun-mon" | "sun-mon") => ({
  calendar,
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
  version: "2026.11.30",
  effectiveFrom: "2026-11-30",
  sources: [table, holidayTable],
  notes: [
    "Holiday bans use each state's own holiday list (us-state-holidays.ts), with the federal list where the law says so or to be safe; the actual date and the observed date are both banned.",
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
      holidays: stateHolidays(["US-AL", "US-federal"], "sat-fri-sun-mon"),
      verified: true,
      sources: [
        "Ala. Admin. Code r. 770-X-5-.17(1)(b): no solicitation calls on Sundays or holidays; none before 8 a.m. or after 8 p.m. (https://d1tvxue8o4w0fl.cloudfront.net/regulation/alabama-administrative-code/title-770-alabama-public-service-commission/chapter-770-x-5-telephone-rules/section-770-x-5-17-live-and-automated-solicitations-and-announcements)",
        "Ala. Code § 1-3-8 (the state's legal holidays)",
      ],
      note: "⚠ Scope: the rule is among the PSC's telephone-utility rules and its (1) names automated calls; dnc.com reads it as binding telecom utilities only. Applied to every call, with Alabama's own holidays and the federal ones.",
    }),
    state("LA", noSunday(w("08:00", "20:00")), {
      holidays: stateHolidays(["US-LA", "US-federal"], "sat-fri-sun-mon"),
      verified: true,
      sources: [
        "La. R.S. 45:811(2)-(3): live-operator and ADAD sales calls only 8 a.m.-8 p.m. Monday-Saturday, not on days declared a state holiday or Sundays",
        "LPSC General Order R-29617 § V(A)(2) (no calls on Sunday or legal holidays, 8 p.m.-8 a.m.)",
        "La. R.S. 1:55 (legal holidays incl. Mardi Gras, Good Friday, All Saints' Day)",
        "La. R.S. 45:844.31: no telephonic solicitation during a state of emergency declared by the governor (an input: `telesync compliance emergency set LA`)",
      ],
      note: "Days the governor proclaims a holiday (e.g. 3 July 2023) are not in the calendar: record them as a ban with `telesync compliance emergency set LA --from … --until …`.",
    }),
    state("MS", noSunday(w("08:00", "20:00")), {
      holidays: stateHolidays("US-MS", "sun-mon"),
      standardTimeZone: "Etc/GMT+6",
      verified: true,
      sources: [
        'Miss. Code § 77-3-723(1): calls "only between the hours of 8:00 a.m. and 8:00 p.m. Central Standard Time. No telephone solicitations may be made on a Sunday."',
        "39 Miss. Admin. Code Pt. 1, R.1:28 (holiday ban) repealed after HB 1225 (2023) moved enforcement to the Attorney General",
      ],
      note: "Conservative reading of 'Central Standard Time': the window must hold both in local wall time and at UTC-6, so under daylight time calls run 09:00-20:00 CDT (src/compliance/data/README.md). Holidays banned only before the repeal.",
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
        holidays: stateHolidays(["US-PA", "US-federal"], "sat-fri-sun-mon"),
        sources: [
          "73 P.S. § 2245(a)(10) (Act 73 of 2019, in force 2019-12-03): no telephone solicitation on a legal holiday",
          "73 P.S. § 2245(a)(1): no telemarketing after 9 p.m. or before 8 a.m. (https://govt.westlaw.com/pac/Document/NE4CC77F0E9F711E9BEFE89A994168F89)",
          holidayTable,
        ],
        note: "⚠ The Sunday 13:30 start is kept from older tables (stricter; its source was not found). The holiday list (incl. Flag Day, Good Friday, Election Day) is from secondary sources; federal holidays added to be safe.",
      },
    ),
    state(
      "RI",
      { ...every(w("09:00", "18:00")), sat: w("10:00", "17:00"), sun: [] },
      {
        holidays: stateHolidays(["US-RI", "US-federal"], "sat-fri-sun-mon"),
        verified: true,
        sources: [
          'R.I. Gen. Laws § 5-61-2(2): "Hours of operation" means Monday through Friday, except a state or federal holiday, 9 a.m.-6 p.m.; Saturday 10 a.m.-5 p.m. (http://webserver.rilin.state.ri.us/Statutes/TITLE5/5-61/5-61-3.6.HTM)',
          "R.I. Gen. Laws § 5-61-3.6: unsolicited telephonic sales calls only during hours of operation",
          "R.I. Gen. Laws § 25-1-1 (state holidays, incl. Victory Day)",
        ],
        note: "The holiday exception is written for Monday-Friday; a Saturday holiday is banned as well, to be safe.",
      },
    ),
    state("UT", noSunday(w("08:00", "21:00")), {
      holidays: stateHolidays("US-UT", "sat-fri-sun-mon"),
      verified: true,
      sources: [
        "Utah Code § 13-25a-103(3): no telephone solicitation without prior express consent between 9 p.m. and 8 a.m. local time, on a Sunday, or on a legal holiday (https://codes.findlaw.com/ut/title-13-commerce-and-trade/ut-code-sect-13-25a-103/)",
        "Utah Code § 63G-1-301 (legal holidays incl. Pioneer Day, 24 July)",
      ],
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
