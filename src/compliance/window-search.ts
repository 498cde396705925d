import type { DayNumber } from "./time/civil.js";
import { localTime, zonedInstant } from "./time/zoned.js";
import { type DayWindows, intersect, type MinuteIntervals, type WindowSource } from "./window-sources.js";

/** Permitted instants `[start, end)` in epoch milliseconds. */
type Span = readonly [number, number];

type DaySpans = Map<DayNumber, readonly Span[]>;
const spanCache = new Map<string, Map<string, DaySpans>>();
let cachedDays = 0;

/** Per source set and zone: local date → permitted spans. Nested maps keep lookups cheap. */
function zoneCache(sourcesKey: string, zone: string): DaySpans {
  let byZone = spanCache.get(sourcesKey);
  if (!byZone) {
    byZone = new Map();
    spanCache.set(sourcesKey, byZone);
  }
  let days = byZone.get(zone);
  if (!days) {
    days = new Map();
    byZone.set(zone, days);
  }
  return days;
}

/** The permitted spans of one zone's local date under every source, as instants. */
function daySpans(
  zone: string,
  day: DayNumber,
  sources: readonly WindowSource[],
  cache: DaySpans,
): readonly Span[] {
  const cached = cache.get(day);
  if (cached) return cached;
  let minutes: MinuteIntervals = [[0, 1440]];
  for (const source of sources) {
    minutes = intersect(minutes, source.windows(day).intervals);
    if (minutes.length === 0) break;
  }
  const spans: Span[] = [];
  for (const [start, end] of minutes) {
    // Across a backward DST shift a window opens at the later and closes at the earlier repetition.
    const s = zonedInstant(zone, day, start, "later");
    const e = zonedInstant(zone, day, end, "earlier");
    if (s < e) spans.push([s, e]);
  }
  if (++cachedDays > 200_000) {
    spanCache.clear();
    cachedDays = 0;
  }
  cache.set(day, spans);
  return spans;
}

/** Where the permitted time intersected over every candidate zone starts, and when it first closes. */
export interface Opening {
  /** Earliest permitted instant ≥ the search start. */
  readonly at: number;
  /** First close after `at` across all zones. */
  readonly closes: number;
  /** The zone whose window closes first. */
  readonly closingZone: string;
}

/**
 * Earliest instant ≥ `from` permitted in every zone by every source, up to `horizon`: each zone
 * proposes its next permitted span, the search jumps to the latest proposed start and repeats until
 * all zones agree.
 */
export function earliestOpening(
  zones: readonly string[],
  sources: readonly WindowSource[],
  from: number,
  horizon: number,
): Opening | undefined {
  const sourcesKey = sources.map((s) => s.key).join(";");
  const lastDay = new Map(zones.map((zone) => [zone, localTime(zone, horizon).day + 1]));
  const caches = new Map(zones.map((zone) => [zone, zoneCache(sourcesKey, zone)]));
  const spanFrom = (zone: string, t: number): Span | undefined => {
    const end = lastDay.get(zone) as number;
    const cache = caches.get(zone) as DaySpans;
    for (let day = localTime(zone, t).day; day <= end; day++) {
      for (const span of daySpans(zone, day, sources, cache)) if (span[1] > t) return span;
    }
    return undefined;
  };
  let t = from;
  for (let round = 0; round < 10_000 && t <= horizon; round++) {
    let moved = false;
    let closes = Number.POSITIVE_INFINITY;
    let closingZone = "";
    for (const zone of zones) {
      const span = spanFrom(zone, t);
      if (!span) return undefined;
      if (span[0] > t) {
        t = span[0];
        moved = true;
        break;
      }
      if (span[1] < closes) {
        closes = span[1];
        closingZone = zone;
      }
    }
    if (!moved) return closingZone === "" ? undefined : { at: t, closes, closingZone };
  }
  return undefined;
}

/** The first source that forbids instant `t` in some zone, with that zone's local time. */
export interface Refusal {
  readonly zone: string;
  readonly day: DayNumber;
  readonly msOfDay: number;
  readonly source: WindowSource;
  readonly windows: DayWindows;
}

/** Every (zone, source) that forbids instant `t`, in zone then source order. */
export function refusalsAt(zones: readonly string[], sources: readonly WindowSource[], t: number): Refusal[] {
  const out: Refusal[] = [];
  for (const zone of zones) {
    const { day, msOfDay } = localTime(zone, t);
    for (const source of sources) {
      const windows = source.windows(day);
      const inside = windows.intervals.some(([s, e]) => msOfDay >= s * 60_000 && msOfDay < e * 60_000);
      if (!inside) out.push({ zone, day, msOfDay, source, windows });
    }
  }
  return out;
}

/** The source whose window ends at instant `t` in `zone` (for audit of `notAfter`). */
export function closingSource(
  zone: string,
  sources: readonly WindowSource[],
  t: number,
): WindowSource | undefined {
  const local = localTime(zone, t);
  const day = local.msOfDay === 0 ? local.day - 1 : local.day;
  const minute = local.msOfDay === 0 ? 1440 : Math.round(local.msOfDay / 60_000);
  return sources.find((s) => s.windows(day).intervals.some(([, e]) => e === minute)) ?? sources[0];
}
