import type { DayNumber } from "./civil.js";
import { zoneRules } from "./tzdb.js";

export { tzVersion } from "./tzdb.js";

const DAY_MS = 86_400_000;

/** Whether the shipped IANA release (see `tzVersion`) knows `zone`, as a zone or a link. */
export function isValidZone(zone: string): boolean {
  return zoneRules(zone) !== undefined;
}

/** Local wall time of an instant in a zone. */
export interface LocalTime {
  readonly day: DayNumber;
  /** Milliseconds since local midnight. */
  readonly msOfDay: number;
}

/**
 * UTC offset of `zone` at `epochMs`, in milliseconds (local = UTC + offset), from the IANA release
 * shipped with telesync (`tzVersion`), never the runtime's. Throws on a zone that release lacks.
 */
export function offsetAt(zone: string, epochMs: number): number {
  const rules = zoneRules(zone);
  if (!rules) throw new RangeError(`unknown time zone ${zone} (IANA tz data)`);
  const { untilsMs, offsetsMs } = rules;
  // First period whose end is after the instant.
  let lo = 0;
  let hi = untilsMs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((untilsMs[mid] as number) > epochMs) hi = mid;
    else lo = mid + 1;
  }
  return offsetsMs[lo] as number;
}

export function localTime(zone: string, epochMs: number): LocalTime {
  const wall = epochMs + offsetAt(zone, epochMs);
  const day = Math.floor(wall / DAY_MS);
  return { day, msOfDay: wall - day * DAY_MS };
}

/**
 * The instant at which `zone`'s wall clock shows `minuteOfDay` on `day` (1440 = next midnight).
 * A wall time repeated by a backward DST shift resolves to its `earlier` or `later` instant; a wall
 * time skipped by a forward shift resolves to the instant of the shift (the first wall time after it).
 */
export function zonedInstant(
  zone: string,
  day: DayNumber,
  minuteOfDay: number,
  pick: "earlier" | "later",
): number {
  const wall = day * DAY_MS + minuteOfDay * 60_000;
  const before = offsetAt(zone, wall - DAY_MS);
  const after = offsetAt(zone, wall + DAY_MS);
  // No zone changes its offset twice within two days: an unchanged offset is the offset.
  if (before === after) return wall - before;
  const a = wall - before;
  const b = wall - after;
  const aValid = offsetAt(zone, a) === before;
  const bValid = offsetAt(zone, b) === after;
  if (aValid && bValid) return pick === "earlier" ? Math.min(a, b) : Math.max(a, b);
  if (aValid) return a;
  if (bValid) return b;
  // Skipped wall time: find the shift between the two candidates.
  let lo = Math.min(a, b);
  let hi = Math.max(a, b);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetAt(zone, mid) === before) lo = mid;
    else hi = mid;
  }
  return hi;
}
