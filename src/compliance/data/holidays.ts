import type { HolidayCalendarDataset } from "../rules-schema.js";
import { usStateHolidayCalendars } from "./us-state-holidays.js";

/** Holiday rules, from which `holidays.ts` computes the dates of any year. */
export const holidayCalendars: HolidayCalendarDataset = {
  id: "holiday-calendars",
  version: "2026.11.30",
  effectiveFrom: "2026-11-30",
  sources: [
    "5 U.S.C. 6103 (US federal holidays; Juneteenth since 2021)",
    "State holiday statutes: Ala. Code 1-3-8, Utah Code 63G-1-301, R.I. Gen. Laws 25-1-1, La. R.S. 1:55, 44 P.S. 11 (PA), Miss. Code 3-3-7 (us-state-holidays.ts)",
    "Telemarketing and Research Calls Industry Standard 2017 (AU national public holidays)",
  ],
  calendars: [
    {
      id: "US-federal",
      holidays: [
        { name: "New Year's Day", date: { kind: "fixed", month: 1, day: 1 } },
        {
          name: "Martin Luther King Jr. Day",
          date: { kind: "nth-weekday", month: 1, weekday: "mon", nth: 3 },
        },
        { name: "Washington's Birthday", date: { kind: "nth-weekday", month: 2, weekday: "mon", nth: 3 } },
        { name: "Memorial Day", date: { kind: "nth-weekday", month: 5, weekday: "mon", nth: -1 } },
        { name: "Juneteenth", date: { kind: "fixed", month: 6, day: 19 }, sinceYear: 2021 },
        { name: "Independence Day", date: { kind: "fixed", month: 7, day: 4 } },
        { name: "Labor Day", date: { kind: "nth-weekday", month: 9, weekday: "mon", nth: 1 } },
        {
          name: "Columbus Day / Indigenous Peoples' Day",
          date: { kind: "nth-weekday", month: 10, weekday: "mon", nth: 2 },
        },
        { name: "Veterans Day", date: { kind: "fixed", month: 11, day: 11 } },
        { name: "Thanksgiving Day", date: { kind: "nth-weekday", month: 11, weekday: "thu", nth: 4 } },
        { name: "Christmas Day", date: { kind: "fixed", month: 12, day: 25 } },
      ],
    },
    {
      id: "AU-national",
      holidays: [
        { name: "New Year's Day", date: { kind: "fixed", month: 1, day: 1 } },
        { name: "Australia Day", date: { kind: "fixed", month: 1, day: 26 } },
        { name: "Good Friday", date: { kind: "easter", offsetDays: -2 } },
        { name: "Easter Monday", date: { kind: "easter", offsetDays: 1 } },
        { name: "Anzac Day", date: { kind: "fixed", month: 4, day: 25 } },
        { name: "Christmas Day", date: { kind: "fixed", month: 12, day: 25 } },
        { name: "Boxing Day", date: { kind: "fixed", month: 12, day: 26 } },
      ],
    },
    ...usStateHolidayCalendars,
  ],
};
