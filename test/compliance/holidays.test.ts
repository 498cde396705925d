import { describe, expect, it } from "vitest";
import { holidayCalendars } from "../../src/compliance/data/holidays.js";
import { easterSunday, holidayDates, holidayOn } from "../../src/compliance/holidays.js";
import type { HolidayCalendar, ObservedShift } from "../../src/compliance/rules-schema.js";
import { dayNumber, isoDate } from "../../src/compliance/time/civil.js";
import { bannedDates } from "./support/oracle.js";
import { stateBannedDates } from "./support/state-holidays.js";

const calendar = (id: string) => holidayCalendars.calendars.find((c) => c.id === id) as HolidayCalendar;
const us = calendar("US-federal");
const au = calendar("AU-national");

function bannedIn(cal: HolidayCalendar, observed: ObservedShift, year: number): string[] {
  const out: string[] = [];
  for (let d = dayNumber(year, 1, 1); d < dayNumber(year + 1, 1, 1); d++) {
    if (holidayOn(cal, observed, d) !== undefined) out.push(isoDate(d));
  }
  return out;
}
const expected = (key: string, year: number) =>
  [...(bannedDates[key] ?? [])].filter((d) => d.startsWith(`${year}`)).sort();

describe("holiday calendars computed per year", () => {
  it.each([
    [
      2026,
      ["01-01", "01-19", "02-16", "05-25", "06-19", "07-04", "09-07", "10-12", "11-11", "11-26", "12-25"],
    ],
    [
      2027,
      ["01-01", "01-18", "02-15", "05-31", "06-19", "07-04", "09-06", "10-11", "11-11", "11-25", "12-25"],
    ],
  ])("US federal holidays of %i (OPM dates)", (year, days) => {
    expect(holidayDates(us, year).map((h) => isoDate(h.day))).toEqual(days.map((d) => `${year}-${d}`));
  });

  it("Juneteenth only from 2021", () => {
    expect(holidayDates(us, 2020).map((h) => h.name)).not.toContain("Juneteenth");
    expect(holidayDates(us, 2021).map((h) => h.name)).toContain("Juneteenth");
  });

  it.each([
    [2026, "2026-04-05"],
    [2027, "2027-03-28"],
    [2028, "2028-04-16"],
    [2000, "2000-04-23"],
  ])("Easter %i is %s", (year, date) => {
    expect(isoDate(easterSunday(year))).toBe(date);
  });

  it.each([2025, 2026, 2027, 2028])("AL-style shift (Sat → Fri, Sun → Mon) in %i", (year) => {
    expect(bannedIn(us, "sat-fri-sun-mon", year)).toEqual(expected("US-federal|sat-fri-sun-mon", year));
  });

  it.each([2025, 2026, 2027, 2028])("MS-style shift (Sun → Mon only) in %i", (year) => {
    expect(bannedIn(us, "sun-mon", year)).toEqual(expected("US-federal|sun-mon", year));
  });

  it.each([2025, 2026, 2027, 2028])("Australian national holidays with substitute weekdays in %i", (year) => {
    expect(bannedIn(au, "next-weekday", year)).toEqual(expected("AU-national|next-weekday", year));
  });

  it("a Saturday New Year's Day is observed on the Friday before, in the previous year", () => {
    expect(holidayOn(us, "sat-fri-sun-mon", dayNumber(2027, 12, 31))).toBe("New Year's Day (observed)");
    expect(holidayOn(us, "sun-mon", dayNumber(2027, 12, 31))).toBeUndefined();
  });

  // Each state's banned days as the gate's calendars compute them (state list ∪ federal list where the
  // rule names both), against the lists derived by hand from the statutes.
  const stateCalendars: Record<string, { ids: string[]; observed: ObservedShift }> = {
    "US-AL": { ids: ["US-AL", "US-federal"], observed: "sat-fri-sun-mon" },
    "US-LA": { ids: ["US-LA", "US-federal"], observed: "sat-fri-sun-mon" },
    "US-MS": { ids: ["US-MS"], observed: "sun-mon" },
    "US-PA": { ids: ["US-PA", "US-federal"], observed: "sat-fri-sun-mon" },
    "US-RI": { ids: ["US-RI", "US-federal"], observed: "sat-fri-sun-mon" },
    "US-UT": { ids: ["US-UT"], observed: "sat-fri-sun-mon" },
  };
  it.each(
    Object.keys(stateCalendars).flatMap((state) => [2025, 2026, 2027, 2028].map((y) => [state, y] as const)),
  )("%s bans exactly the statute's days in %i", (state, year) => {
    const { ids, observed } = stateCalendars[state] as { ids: string[]; observed: ObservedShift };
    const days = new Set(ids.flatMap((id) => bannedIn(calendar(id), observed, year)));
    const want = [...(stateBannedDates[state] ?? [])].filter((d) => d.startsWith(`${year}`)).sort();
    expect([...days].sort()).toEqual(want);
  });

  it("Mississippi's holidays banned calls until the repeal, not after", () => {
    const ms = calendar("US-MS");
    expect(holidayOn(ms, "sun-mon", dayNumber(2023, 12, 25))).toBe("Christmas Day");
    expect(holidayOn(ms, "sun-mon", dayNumber(2024, 7, 4))).toBeUndefined();
  });
});
