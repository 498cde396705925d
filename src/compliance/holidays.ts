import type { Holiday, HolidayCalendar, HolidayDateRule, ObservedShift } from "./rules-schema.js";
import { civilDate, type DayNumber, dayNumber, isoDate, weekdayIndex } from "./time/civil.js";
import { type Weekday, weekdays } from "./types.js";

/** Western (Gregorian) Easter Sunday of `year` (anonymous Gregorian algorithm). */
export function easterSunday(year: number): DayNumber {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return dayNumber(year, month, day);
}

function dateOf(rule: HolidayDateRule, year: number): DayNumber {
  switch (rule.kind) {
    case "fixed":
      return dayNumber(year, rule.month, rule.day);
    case "easter":
      return easterSunday(year) + rule.offsetDays;
    case "nth-weekday": {
      const target = weekdays.indexOf(rule.weekday);
      if (rule.nth === -1) {
        const last = dayNumber(year, rule.month + 1, 0);
        return last - ((weekdayIndex(last) - target + 7) % 7) + (rule.offsetDays ?? 0);
      }
      const first = dayNumber(year, rule.month, 1);
      return first + ((target - weekdayIndex(first) + 7) % 7) + (rule.nth - 1) * 7 + (rule.offsetDays ?? 0);
    }
  }
}

/** One holiday of a calendar in a year, at its actual date. */
export interface HolidayDate {
  readonly day: DayNumber;
  readonly name: string;
}

/** Whether `holiday` bans calls on `day` as far as its effective range and year rule go. */
function inForce(holiday: Holiday, day: DayNumber): boolean {
  const iso = isoDate(day);
  if (holiday.sinceYear !== undefined && civilDate(day).year < holiday.sinceYear) return false;
  if (holiday.from !== undefined && iso < holiday.from) return false;
  if (holiday.until !== undefined && iso >= holiday.until) return false;
  return true;
}

function yearMatches(holiday: Holiday, year: number): boolean {
  return holiday.years === undefined || (year % 2 === 0) === (holiday.years === "even");
}

/** The holidays of `calendar` whose actual date falls in `year` and is in force, in date order. */
export function holidayDates(calendar: HolidayCalendar, year: number): HolidayDate[] {
  return calendar.holidays
    .filter((h) => yearMatches(h, year))
    .map((h) => ({ day: dateOf(h.date, year), name: h.name, holiday: h }))
    .filter((h) => inForce(h.holiday, h.day))
    .map(({ day, name }) => ({ day, name }))
    .sort((x, y) => x.day - y.day);
}

function bannedDays(
  calendar: HolidayCalendar,
  observed: ObservedShift,
  year: number,
): Map<DayNumber, string> {
  const banned = new Map<DayNumber, string>();
  // A shift can cross a year boundary (a Saturday 1 January is observed on 31 December before it).
  const all = [year - 1, year, year + 1].flatMap((y) =>
    calendar.holidays
      .filter((h) => yearMatches(h, y))
      .map((holiday) => ({ holiday, day: dateOf(holiday.date, y), name: holiday.name })),
  );
  const ban = (h: (typeof all)[number], day: DayNumber, name: string) => {
    if (!banned.has(day) && inForce(h.holiday, day)) banned.set(day, name);
  };
  for (const h of all) ban(h, h.day, h.name);
  for (const h of all) {
    const wd = weekdayIndex(h.day);
    const own = h.holiday.observedShift?.[weekdays[wd] as Weekday];
    if (own !== undefined && own !== 0) ban(h, h.day + own, `${h.name} (observed)`);
    if (wd !== 0 && wd !== 6) continue;
    if (observed === "sat-fri-sun-mon") {
      ban(h, wd === 6 ? h.day - 1 : h.day + 1, `${h.name} (observed)`);
    } else if (observed === "sun-mon" && wd === 0) {
      ban(h, h.day + 1, `${h.name} (observed)`);
    } else if (observed === "next-weekday") {
      let d = h.day + 1;
      while (weekdayIndex(d) === 0 || weekdayIndex(d) === 6 || banned.has(d)) d++;
      ban(h, d, `${h.name} (substitute day)`);
    }
  }
  const from = dayNumber(year, 1, 1);
  const to = dayNumber(year + 1, 1, 1);
  for (const d of [...banned.keys()]) if (d < from || d >= to) banned.delete(d);
  return banned;
}

const cache = new WeakMap<HolidayCalendar, Map<string, Map<DayNumber, string>>>();

/**
 * The holiday (name) that bans calls on civil date `day` under `calendar` and the `observed` shift
 * policy, or undefined. Computed per year from the calendar's rules and memoized.
 */
export function holidayOn(
  calendar: HolidayCalendar,
  observed: ObservedShift,
  day: DayNumber,
): string | undefined {
  const { year } = civilDate(day);
  let byYear = cache.get(calendar);
  if (!byYear) {
    byYear = new Map();
    cache.set(calendar, byYear);
  }
  const key = `${observed}|${year}`;
  let days = byYear.get(key);
  if (!days) {
    days = bannedDays(calendar, observed, year);
    byYear.set(key, days);
  }
  return days.get(day);
}
