import type { Holiday, HolidayCalendar, HolidayDateRule, LegalSource } from "../rules-schema.js";
import type { Weekday } from "../types.js";

// The days each state's own law names as holidays, for the states whose telemarketing law bans
// calls on them (research of 2026-11-30; statute texts, not only secondary tables). Rules, not dates:
// `holidays.ts` computes the dates of any year. `from` / `until` keep past law for past instants.

const fixed = (month: number, day: number): HolidayDateRule => ({ kind: "fixed", month, day });
const nth = (month: number, weekday: Weekday, n: -1 | 1 | 2 | 3 | 4 | 5): HolidayDateRule => ({
  kind: "nth-weekday",
  month,
  weekday,
  nth: n,
});
const easter = (offsetDays: number): HolidayDateRule => ({ kind: "easter", offsetDays });
/** The Tuesday after the first Monday of November. */
const electionDay: HolidayDateRule = {
  kind: "nth-weekday",
  month: 11,
  weekday: "mon",
  nth: 1,
  offsetDays: 1,
};

function calendar(
  id: string,
  source: LegalSource,
  holidays: ReadonlyArray<readonly [string, HolidayDateRule, Partial<Holiday>?]>,
  extraSources: LegalSource[] = [],
): HolidayCalendar {
  return {
    id,
    jurisdiction: id,
    sources: [source, ...extraSources],
    holidays: holidays.map(([name, date, rest]) => ({ name, date, source, ...rest })),
  };
}

const alabama: LegalSource = {
  citation: "Ala. Code § 1-3-8 (legal holidays; Saturday → Friday, Sunday → Monday)",
  url: "http://www.archives.alabama.gov/intro/holidays.html",
};
const utah: LegalSource = {
  citation: "Utah Code § 63G-1-301 (legal holidays)",
  url: "https://codes.findlaw.com/ut/title-63g-general-government/ut-code-sect-63g-1-301.html",
};
const rhodeIsland: LegalSource = {
  citation: "R.I. Gen. Laws § 25-1-1 (general holidays enumerated)",
  url: "https://unicourt.github.io/cic-code-ri/transforms/ri/ocri/r71/gov.ri.code.title.25.html",
};
const louisiana: LegalSource = {
  citation: "La. R.S. 1:55(A)(1) (days of public rest and legal holidays)",
  url: "https://legis.la.gov/legis/Law.aspx?d=74097",
};
const pennsylvania: LegalSource = {
  citation:
    "73 P.S. § 2245(a)(10) as added by Act 73 of 2019, in force 2019-12-03 (no telephone solicitation on a legal holiday); the list of legal holidays from dnc.com (⚠ secondary; 44 P.S. § 11 not read)",
  url: "https://www.jenkinslaw.org/blog/2019/12/03/amendments-pennsylvanias-telemarketer-registration-act-effective-today",
};
const mississippi: LegalSource = {
  citation:
    "Miss. Code § 3-3-7 (legal holidays), banned by 39 Miss. Admin. Code Pt. 1, R.1:28 until its repeal",
  url: "https://www.dnc.com/blog/no-more-holidays-mississippi-marketers-magnolia-state-lifts-prohibition-telemarketing-legal",
};

/** Sat → the Monday after, Sun → the Monday after (R.I. Gen. Laws 25-1-1 for four of its days). */
const riWeekendToMonday = { observedShift: { sat: 2, sun: 1 } } as const;
const riSundayToMonday = { observedShift: { sun: 1 } } as const;
const act73 = { from: "2019-12-03" } as const;
// Utah's Juneteenth (63G-1-301(2)(c)-(d) as amended 2025): Tue–Fri → the Monday before; Sat/Sun → the Monday after.
const utahJuneteenthShift = { tue: -1, wed: -2, thu: -3, fri: -4, sat: 2, sun: 1 } as const;
// ⚠ The repeal's exact effective date was not found; 2024-06-03 is the latest date it is known by.
const msRepealed = { until: "2024-06-03" } as const;

export const usStateHolidayCalendars: HolidayCalendar[] = [
  calendar("US-AL", alabama, [
    ["New Year's Day", fixed(1, 1)],
    ["Robert E. Lee / Martin Luther King Jr. Birthday", nth(1, "mon", 3)],
    ["George Washington / Thomas Jefferson Birthday", nth(2, "mon", 3)],
    [
      "Mardi Gras",
      easter(-47),
      {
        note: "A holiday in Baldwin and Mobile Counties only; banned statewide (the county is rarely known).",
      },
    ],
    ["Confederate Memorial Day", nth(4, "mon", 4)],
    ["National Memorial Day", nth(5, "mon", -1)],
    ["Jefferson Davis' Birthday", nth(6, "mon", 1)],
    ["Independence Day", fixed(7, 4)],
    ["Labor Day", nth(9, "mon", 1)],
    ["Columbus Day / Fraternal Day / American Indian Heritage Day", nth(10, "mon", 2)],
    ["Veterans Day", fixed(11, 11)],
    ["Thanksgiving Day", nth(11, "thu", 4)],
    [
      "Mrs. Rosa L. Parks Day",
      fixed(12, 1),
      { note: "Counties and municipalities may observe it; banned statewide to be safe." },
    ],
    ["Christmas Day", fixed(12, 25)],
  ]),
  // Easter Sunday (listed since 2025) is left out: Sundays are banned anyway, and the statute's
  // Sunday → Monday shift covers only the fixed-date holidays.
  calendar("US-UT", utah, [
    ["New Year's Day", fixed(1, 1)],
    ["Dr. Martin Luther King, Jr. Day", nth(1, "mon", 3)],
    ["Washington and Lincoln Day / Presidents' Day", nth(2, "mon", 3)],
    [
      "Good Friday",
      easter(-2),
      { from: "2026-05-06", note: "⚠ added 2026, 'subject to Subsection (6)' (not read)." },
    ],
    ["Memorial Day", nth(5, "mon", -1)],
    ["Juneteenth National Freedom Day", fixed(6, 19), { from: "2022-05-04" }],
    [
      "Juneteenth National Freedom Day",
      fixed(6, 19),
      { from: "2025-05-07", observedShift: utahJuneteenthShift },
    ],
    ["Independence Day", fixed(7, 4)],
    ["Pioneer Day", fixed(7, 24)],
    ["Labor Day", nth(9, "mon", 1)],
    ["Columbus Day", nth(10, "mon", 2)],
    ["Veterans Day", fixed(11, 11)],
    ["Thanksgiving Day", nth(11, "thu", 4)],
    ["Christmas", fixed(12, 25)],
  ]),
  calendar("US-RI", rhodeIsland, [
    ["New Year's Day", fixed(1, 1), riWeekendToMonday],
    ["Dr. Martin Luther King, Jr.'s Birthday", nth(1, "mon", 3), riSundayToMonday],
    ["Washington's Birthday", nth(2, "mon", 3), riSundayToMonday],
    ["Rhode Island Independence Day", fixed(5, 4), riSundayToMonday],
    ["Memorial Day", nth(5, "mon", -1), riSundayToMonday],
    ["Independence Day", fixed(7, 4), riWeekendToMonday],
    ["Victory Day", nth(8, "mon", 2), riSundayToMonday],
    ["Labor Day", nth(9, "mon", 1), riSundayToMonday],
    ["Columbus Day", nth(10, "mon", 2), riSundayToMonday],
    ["Election Day", electionDay, { years: "even", note: "years of a general election of state officers" }],
    ["Veterans' Day", fixed(11, 11), riWeekendToMonday],
    ["Christmas Day", fixed(12, 25), riWeekendToMonday],
  ]),
  calendar("US-LA", louisiana, [
    ["New Year's Day", fixed(1, 1)],
    ["Battle of New Orleans", fixed(1, 8)],
    ["Dr. Martin Luther King, Jr.'s Birthday", nth(1, "mon", 3)],
    [
      "Robert E. Lee Day",
      fixed(1, 19),
      { until: "2021-08-01", note: "⚠ no longer listed; repeal date not verified" },
    ],
    ["Washington's Birthday and Presidents' Day", nth(2, "mon", 3)],
    ["Mardi Gras", easter(-47)],
    ["Good Friday", easter(-2)],
    ["National Memorial Day", nth(5, "mon", -1)],
    [
      "Confederate Memorial Day",
      fixed(6, 3),
      { until: "2021-08-01", note: "⚠ no longer listed; repeal date not verified" },
    ],
    ["Independence Day", fixed(7, 4)],
    ["Huey P. Long Day", fixed(8, 30)],
    ["Labor Day", nth(9, "mon", 1)],
    ["Christopher Columbus Day", nth(10, "mon", 2)],
    ["All Saints' Day", fixed(11, 1)],
    ["General Election Day", electionDay, { years: "even" }],
    ["Veterans' Day", fixed(11, 11)],
    ["Thanksgiving Day", nth(11, "thu", 4)],
    ["Christmas Day", fixed(12, 25)],
  ]),
  calendar("US-PA", pennsylvania, [
    ["New Year's Day", fixed(1, 1), act73],
    ["Martin Luther King, Jr. Day", nth(1, "mon", 3), act73],
    ["Presidents' Day", nth(2, "mon", 3), act73],
    ["Good Friday", easter(-2), act73],
    ["Memorial Day", nth(5, "mon", -1), act73],
    ["Flag Day", fixed(6, 14), act73],
    ["Independence Day", fixed(7, 4), act73],
    ["Labor Day", nth(9, "mon", 1), act73],
    ["Columbus Day", nth(10, "mon", 2), act73],
    ["Election Day", electionDay, { ...act73, note: "every year (general or municipal election)" }],
    ["Veterans Day", fixed(11, 11), act73],
    ["Thanksgiving Day", nth(11, "thu", 4), act73],
    ["Christmas Day", fixed(12, 25), act73],
  ]),
  calendar("US-MS", mississippi, [
    ["New Year's Day", fixed(1, 1), msRepealed],
    ["Robert E. Lee / Martin Luther King Jr. Birthday", nth(1, "mon", 3), msRepealed],
    ["Washington's Birthday", nth(2, "mon", 3), msRepealed],
    ["Confederate Memorial Day", nth(4, "mon", -1), msRepealed],
    ["National Memorial Day / Jefferson Davis' Birthday", nth(5, "mon", -1), msRepealed],
    ["Independence Day", fixed(7, 4), msRepealed],
    ["Labor Day", nth(9, "mon", 1), msRepealed],
    ["Veterans' Day", fixed(11, 11), msRepealed],
    ["Thanksgiving Day", nth(11, "thu", 4), msRepealed],
    ["Christmas Day", fixed(12, 25), msRepealed],
  ]),
];
