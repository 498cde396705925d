import type { DayNumber } from "./civil.js";

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(zone, f);
  }
  return f;
}

const validity = new Map<string, boolean>();

/** Whether the runtime's IANA database knows `zone`. */
export function isValidZone(zone: string): boolean {
  let ok = validity.get(zone);
  if (ok === undefined) {
    try {
      formatter(zone);
      ok = true;
    } catch {
      ok = false;
    }
    validity.set(zone, ok);
  }
  return ok;
}

/** Local wall time of an instant in a zone. */
export interface LocalTime {
  readonly day: DayNumber;
  /** Milliseconds since local midnight. */
  readonly msOfDay: number;
}

const shape = /^(\d+)\/(\d+)\/(\d+), (\d+):(\d+):(\d+)$/;

/** Wall clock of `epochMs` in `zone`, read as if it were UTC (so `wall - epochMs` is the offset). */
function wallClock(zone: string, epochMs: number): number {
  const f = formatter(zone);
  // `format` is several times faster than `formatToParts`; fall back to parts if the shape differs.
  const m = shape.exec(f.format(epochMs));
  const ms = ((epochMs % 1000) + 1000) % 1000;
  if (m) {
    const [, month, day, year, hour, minute, second] = m.map(Number) as number[];
    return Date.UTC(year as number, (month as number) - 1, day, hour, minute, second) + ms;
  }
  const part = (type: string) => Number(f.formatToParts(epochMs).find((p) => p.type === type)?.value);
  return (
    Date.UTC(part("year"), part("month") - 1, part("day"), part("hour"), part("minute"), part("second")) + ms
  );
}

function exactOffset(zone: string, epochMs: number): number {
  return wallClock(zone, epochMs) - epochMs;
}

// Offsets change a few times a year, so they are cached per zone and 12-hour bucket: a bucket whose
// two ends have the same offset has that offset throughout (no zone changes twice within 12 hours);
// a bucket holding a transition is marked NaN and asked of Intl exactly.
const BUCKET_MS = 12 * 3_600_000;
const offsetBuckets = new Map<string, Map<number, number>>();
let cachedBuckets = 0;

/** UTC offset of `zone` at `epochMs`, in milliseconds (local = UTC + offset). */
export function offsetAt(zone: string, epochMs: number): number {
  let buckets = offsetBuckets.get(zone);
  if (!buckets) {
    buckets = new Map();
    offsetBuckets.set(zone, buckets);
  }
  const bucket = Math.floor(epochMs / BUCKET_MS);
  let offset = buckets.get(bucket);
  if (offset === undefined) {
    const start = exactOffset(zone, bucket * BUCKET_MS);
    offset = start === exactOffset(zone, (bucket + 1) * BUCKET_MS - 1) ? start : Number.NaN;
    if (++cachedBuckets > 2_000_000) {
      offsetBuckets.clear();
      cachedBuckets = 0;
    }
    buckets.set(bucket, offset);
  }
  return Number.isNaN(offset) ? exactOffset(zone, epochMs) : offset;
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
