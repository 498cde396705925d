// The test oracle's own wall clock: the runtime's Intl (any IANA release) plus, written out by hand,
// the 2026 Canadian changes a runtime older than IANA 2026f does not know. Not the gate's tz data.
import type { Weekday } from "../../../src/compliance/types.js";

const HOUR = 3_600_000;

/**
 * Zones that stopped changing clocks in 2026: from `from` on, a fixed offset. Sources:
 * IANA tz NEWS 2026b ("British Columbia moved to permanent -07 on 2026-03-09", modelled from
 * 2026-11-01 02:00), 2026c ("Alberta moved to permanent -06 on 2026-06-18", modelled from
 * 2026-11-01 02:00; America/Yellowknife links to America/Edmonton), 2026d (Inuvik: NWT follows
 * Alberta, `-6:00 - CST` from 2026-11-01 02:00), 2026e/f (Manitoba: permanent -05 from
 * 2026-11-01 02:00 CDT; America/Rainy_River links to America/Winnipeg).
 */
export const permanentFrom2026: Readonly<Record<string, { from: number; offsetMs: number }>> = {
  "America/Vancouver": { from: Date.parse("2026-11-01T09:00:00Z"), offsetMs: -7 * HOUR },
  "America/Edmonton": { from: Date.parse("2026-11-01T08:00:00Z"), offsetMs: -6 * HOUR },
  "America/Yellowknife": { from: Date.parse("2026-11-01T08:00:00Z"), offsetMs: -6 * HOUR },
  "America/Inuvik": { from: Date.parse("2026-11-01T08:00:00Z"), offsetMs: -6 * HOUR },
  "America/Winnipeg": { from: Date.parse("2026-11-01T07:00:00Z"), offsetMs: -5 * HOUR },
  "America/Rainy_River": { from: Date.parse("2026-11-01T07:00:00Z"), offsetMs: -5 * HOUR },
};

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      weekday: "short",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(zone, f);
  }
  return f;
}

/** Local date, weekday and minute of day (with fraction) of instant `t` in `zone`. */
export function wallTime(zone: string, t: number): { date: string; weekday: Weekday; minute: number } {
  const fixed = permanentFrom2026[zone];
  if (fixed && t >= fixed.from) {
    const shifted = new Date(t + fixed.offsetMs);
    const date = shifted.toISOString().slice(0, 10);
    const weekday = (["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const)[
      shifted.getUTCDay()
    ] as Weekday;
    const minute =
      shifted.getUTCHours() * 60 +
      shifted.getUTCMinutes() +
      (shifted.getUTCSeconds() + shifted.getUTCMilliseconds() / 1000) / 60;
    return { date, weekday, minute };
  }
  const p = Object.fromEntries(
    formatter(zone)
      .formatToParts(t)
      .map((x) => [x.type, x.value]),
  );
  const seconds = Number(p.second) + (((t % 1000) + 1000) % 1000) / 1000;
  return {
    date: `${p.year}-${p.month}-${p.day}`,
    weekday: (p.weekday as string).toLowerCase() as Weekday,
    minute: Number(p.hour) * 60 + Number(p.minute) + seconds / 60,
  };
}

/** UTC offset of `zone` at `t` by this clock, in minutes (for comparing zone names by behaviour). */
export function offsetMinutes(zone: string, t: number): number {
  const { date, minute } = wallTime(zone, t);
  const wall = Date.parse(`${date}T00:00:00Z`) + Math.round(minute * 60_000);
  return Math.round((wall - t) / 60_000);
}
