import type { DayNumber } from "./time/civil.js";
import { localTime, zonedInstant } from "./time/zoned.js";
import {
  type DayWindows,
  type Facet,
  intersect,
  type MinuteIntervals,
  type WindowSource,
} from "./window-sources.js";

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
  readonly closingLane: Lane;
}

/** A zone and the sources evaluated in its wall time (a candidate zone, or a statute's standard time). */
export interface Lane {
  readonly zone: string;
  readonly sources: readonly WindowSource[];
}

/**
 * The lanes to intersect: every candidate zone with every source, plus, for a source whose statute
 * names a standard time, that fixed-offset zone with that source alone.
 */
export function lanesFor(zones: readonly string[], sources: readonly WindowSource[]): Lane[] {
  const lanes: Lane[] = zones.map((zone) => ({ zone, sources }));
  for (const source of sources) {
    if (source.standardTimeZone) lanes.push({ zone: source.standardTimeZone, sources: [source] });
  }
  return lanes;
}

/**
 * Earliest instant ≥ `from` permitted in every lane by every source, up to `horizon`: each lane
 * proposes its next permitted span, the search jumps to the latest proposed start and repeats until
 * all lanes agree.
 */
export function earliestOpening(lanes: readonly Lane[], from: number, horizon: number): Opening | undefined {
  const prepared = lanes.map((lane) => ({
    lane,
    lastDay: localTime(lane.zone, horizon).day + 1,
    cache: zoneCache(lane.sources.map((s) => s.key).join(";"), lane.zone),
  }));
  const spanFrom = (p: (typeof prepared)[number], t: number): Span | undefined => {
    for (let day = localTime(p.lane.zone, t).day; day <= p.lastDay; day++) {
      for (const span of daySpans(p.lane.zone, day, p.lane.sources, p.cache)) if (span[1] > t) return span;
    }
    return undefined;
  };
  let t = from;
  for (let round = 0; round < 10_000 && t <= horizon; round++) {
    let moved = false;
    let closes = Number.POSITIVE_INFINITY;
    let closing: Lane | undefined;
    for (const p of prepared) {
      const span = spanFrom(p, t);
      if (!span) return undefined;
      if (span[0] > t) {
        t = span[0];
        moved = true;
        break;
      }
      if (span[1] < closes) {
        closes = span[1];
        closing = p.lane;
      }
    }
    if (!moved)
      return closing ? { at: t, closes, closingZone: closing.zone, closingLane: closing } : undefined;
  }
  return undefined;
}

/** A source that forbids instant `t` in some lane, with that lane's local time. */
export interface Refusal {
  readonly zone: string;
  readonly day: DayNumber;
  readonly msOfDay: number;
  readonly source: WindowSource;
  readonly windows: DayWindows;
}

const insideOf = (windows: DayWindows, msOfDay: number) =>
  windows.intervals.some(([s, e]) => msOfDay >= s * 60_000 && msOfDay < e * 60_000);

/** Every (lane, source) that forbids instant `t`, in lane then source order. */
export function refusalsAt(lanes: readonly Lane[], t: number): Refusal[] {
  const out: Refusal[] = [];
  for (const { zone, sources } of lanes) {
    const { day, msOfDay } = localTime(zone, t);
    for (const source of sources) {
      const windows = source.windows(day);
      if (!insideOf(windows, msOfDay)) out.push({ zone, day, msOfDay, source, windows });
    }
  }
  return out;
}

/** Every (lane, source, facet) that forbids instant `t` on its own, for a full explanation. */
export function facetRefusalsAt(lanes: readonly Lane[], t: number): Array<Refusal & { facet: Facet }> {
  const out: Array<Refusal & { facet: Facet }> = [];
  for (const { zone, sources } of lanes) {
    const { day, msOfDay } = localTime(zone, t);
    for (const source of sources) {
      for (const facet of source.facets) {
        const windows = facet(day);
        if (!insideOf(windows, msOfDay)) out.push({ zone, day, msOfDay, source, windows, facet });
      }
    }
  }
  return out;
}

/** The first instant ≥ `t` at which `facet` alone allows a call in `zone`, up to `horizon`. */
export function nextAllowedBy(
  zone: string,
  facet: Facet,
  t: number,
  horizon: number,
  local: { readonly day: DayNumber; readonly msOfDay: number } = localTime(zone, t),
): number | undefined {
  const minute = local.msOfDay / 60_000;
  const last = local.day + Math.ceil((horizon - t) / 86_400_000) + 1;
  for (let day = local.day; day <= last; day++) {
    for (const [start, end] of facet(day).intervals) {
      // Local minutes first; instants only for the answer (zone conversion is the costly part).
      if (day === local.day && end <= minute) continue;
      if (day === local.day && start <= minute) return t;
      const s = zonedInstant(zone, day, start, "later");
      if (s < zonedInstant(zone, day, end, "earlier") && s >= t) return s;
    }
  }
  return undefined;
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
