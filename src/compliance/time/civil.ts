import { type Weekday, weekdays } from "../types.js";

/** A civil (calendar) date as a day number: days since 1970-01-01, independent of any zone. */
export type DayNumber = number;

const DAY_MS = 86_400_000;

export function dayNumber(year: number, month: number, day: number): DayNumber {
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

export interface CivilDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

export function civilDate(day: DayNumber): CivilDate {
  const date = new Date(day * DAY_MS);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayIndex(day: DayNumber): number {
  return (((day + 4) % 7) + 7) % 7;
}

export function weekdayOf(day: DayNumber): Weekday {
  return weekdays[weekdayIndex(day)] as Weekday;
}

/** Dates already formatted: decisions (every allow's evidence) show the same few dates again and again. */
const isoDates = new Map<DayNumber, string>();

export function isoDate(day: DayNumber): string {
  let iso = isoDates.get(day);
  if (iso === undefined) {
    iso = new Date(day * DAY_MS).toISOString().slice(0, 10);
    if (isoDates.size >= 1_000) isoDates.clear();
    isoDates.set(day, iso);
  }
  return iso;
}

/** `2026-03-08T07:30 sun`: how decisions show a local wall time. */
export function formatLocal(day: DayNumber, msOfDay: number): string {
  const minutes = Math.floor(msOfDay / 60_000);
  const hh = String(Math.floor(minutes / 60)).padStart(2, "0");
  const mm = String(minutes % 60).padStart(2, "0");
  return `${isoDate(day)}T${hh}:${mm} ${weekdayOf(day)}`;
}

/** `HH:MM` of minutes since midnight (1440 → `24:00`). */
export function formatMinutes(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}
