import type { CampaignCompliancePolicy } from "./campaign-policy.js";
import { holidayOn } from "./holidays.js";
import { calendarIds, type IndexedRule, type RuleIndex } from "./rule-set.js";
import { type CallingHoursRule, clockMinutes, type TimeWindow } from "./rules-schema.js";
import { type DayNumber, formatMinutes, weekdayOf } from "./time/civil.js";
import { type RuleRef, type Weekday, weekdays } from "./types.js";

/** Permitted minutes `[start, end)` of a local day, sorted and disjoint. */
export type MinuteIntervals = readonly (readonly [number, number])[];

/** What one source permits on one local date, with the rule that says so. */
export interface DayWindows {
  readonly intervals: MinuteIntervals;
  readonly ref: RuleRef;
  /** e.g. `08:00-20:00`, `no calls on sun`, `holiday Christmas Day: no calls`. */
  readonly label: string;
}

/** One restriction of a source on its own (a day ban, the daily hours, a holiday), for explanations. */
export type Facet = (day: DayNumber) => DayWindows;

/** One set of calling hours evaluated in the called party's local time: a jurisdiction's or the campaign's. */
export interface WindowSource {
  readonly jurisdiction: string;
  /** Identifies the source's data for caches: rule id and dataset versions (bump a version on any change). */
  readonly key: string;
  windows(day: DayNumber): DayWindows;
  /** The restrictions whose intersection is `windows`, each evaluated alone to list every refusal. */
  readonly facets: readonly Facet[];
  /** A fixed-offset zone in which the windows must also hold (a statute naming a standard time). */
  readonly standardTimeZone?: string;
}

const fullDay: MinuteIntervals = [[0, 1440]];

export function toIntervals(windows: readonly TimeWindow[]): MinuteIntervals {
  const sorted = windows
    .map((w) => [clockMinutes(w.start), clockMinutes(w.end)] as const)
    .sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [start, end] of sorted) {
    const last = merged[merged.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

export function intersect(a: MinuteIntervals, b: MinuteIntervals): MinuteIntervals {
  const out: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as readonly [number, number];
    const y = b[j] as readonly [number, number];
    const start = Math.max(x[0], y[0]);
    const end = Math.min(x[1], y[1]);
    if (start < end) out.push([start, end]);
    if (x[1] < y[1]) i++;
    else j++;
  }
  return out;
}

function describe(intervals: MinuteIntervals): string {
  return intervals.map(([s, e]) => `${formatMinutes(s)}-${formatMinutes(e)}`).join(", ");
}

function hoursSource(indexed: IndexedRule<CallingHoursRule>, index: RuleIndex): WindowSource {
  const { rule, ref } = indexed;
  const byDay = new Map<Weekday, DayWindows>(
    (Object.keys(rule.days) as Weekday[]).map((d) => {
      const intervals = toIntervals(rule.days[d]);
      return [
        d,
        { intervals, ref, label: intervals.length === 0 ? `no calls on ${d}` : describe(intervals) },
      ];
    }),
  );
  // On a banned weekday the daily hours still say something: outside them a call would be refused
  // even if the day were open (Alabama, Sunday 20:30: the Sunday ban and the 20:00 close).
  const usual = toIntervals(weekdays.flatMap((d) => rule.days[d]));
  const holidays = rule.holidays;
  const calendars = holidays
    ? calendarIds(holidays.calendar).flatMap((id) => {
        const calendar = index.calendars.get(id);
        return calendar ? [calendar] : [];
      })
    : [];
  const holidayWindows = holidays ? toIntervals(holidays.windows) : [];
  const holidayRef: RuleRef = {
    id: `holiday.${rule.jurisdiction}`,
    version: `${ref.version}+${index.calendarsVersion}`,
  };
  const closed: DayWindows = { intervals: [], ref, label: "no calls" };
  const holidayName = (day: DayNumber): string | undefined => {
    if (!holidays) return undefined;
    for (const calendar of calendars) {
      const name = holidayOn(calendar, holidays.observed, day);
      if (name !== undefined) return name;
    }
    return undefined;
  };
  const holidayFacet = (day: DayNumber): DayWindows | undefined => {
    const name = holidayName(day);
    if (name === undefined) return undefined;
    const label = holidayWindows.length === 0 ? "no calls" : describe(holidayWindows);
    return { intervals: holidayWindows, ref: holidayRef, label: `holiday ${name}: ${label}` };
  };
  const open = (label: string): DayWindows => ({ intervals: fullDay, ref, label });
  const facets: Facet[] = [
    (day) => {
      const wd = weekdayOf(day);
      return rule.days[wd].length === 0 ? { intervals: [], ref, label: `no calls on ${wd}` } : open("");
    },
    (day) => {
      const own = byDay.get(weekdayOf(day));
      const intervals = own && own.intervals.length > 0 ? own.intervals : usual;
      return { intervals, ref, label: `calls only ${describe(intervals)}` };
    },
    ...(holidays ? [(day: DayNumber) => holidayFacet(day) ?? open("")] : []),
  ];
  return {
    jurisdiction: rule.jurisdiction,
    key: holidays ? `${ref.id}@${ref.version}+${index.calendarsVersion}` : `${ref.id}@${ref.version}`,
    facets,
    ...(rule.standardTimeZone ? { standardTimeZone: rule.standardTimeZone } : {}),
    windows(day) {
      const base = byDay.get(weekdayOf(day)) ?? closed;
      const holiday = holidayFacet(day);
      if (holiday) {
        const intervals = intersect(base.intervals, holiday.intervals);
        const label = intervals.length === 0 ? "no calls" : describe(intervals);
        return { intervals, ref: holidayRef, label: `${holiday.label.split(":")[0]}: ${label}` };
      }
      return base;
    },
  };
}

const campaignRef: RuleRef = { id: "campaign.hours", version: "campaign-policy" };
const campaignSources = new WeakMap<CampaignCompliancePolicy, WindowSource>();

function campaignSource(campaign: CampaignCompliancePolicy): WindowSource {
  const cached = campaignSources.get(campaign);
  if (cached) return cached;
  const intervals = toIntervals(campaign.callingHours);
  const days = new Set(campaign.callingDays);
  const open: DayWindows = { intervals, ref: campaignRef, label: `campaign hours ${describe(intervals)}` };
  const byDay = new Map<Weekday, DayWindows>(
    weekdays.map((d) => [
      d,
      days.has(d) ? open : { intervals: [], ref: campaignRef, label: `campaign does not call on ${d}` },
    ]),
  );
  const source: WindowSource = {
    jurisdiction: "campaign",
    key: `campaign:${[...days].sort().join(",")}:${describe(intervals)}`,
    windows: (day) => byDay.get(weekdayOf(day)) ?? open,
    facets: [
      (day) =>
        days.has(weekdayOf(day))
          ? { intervals: fullDay, ref: campaignRef, label: "" }
          : { intervals: [], ref: campaignRef, label: `campaign does not call on ${weekdayOf(day)}` },
      () => open,
    ],
  };
  campaignSources.set(campaign, source);
  return source;
}

const jurisdictionSources = new WeakMap<RuleIndex, Map<string, WindowSource>>();

/**
 * The calling-hours sources for `jurisdictions` (those with a rule) plus the campaign's own hours;
 * state and province rules first, so that when several refuse the most specific one is reported.
 */
export function windowSources(
  index: RuleIndex,
  jurisdictions: readonly string[],
  campaign: CampaignCompliancePolicy,
): WindowSource[] {
  let memo = jurisdictionSources.get(index);
  if (!memo) {
    memo = new Map();
    jurisdictionSources.set(index, memo);
  }
  const sources: WindowSource[] = [];
  const ordered = [...jurisdictions].sort((a, b) => Number(!a.includes("-")) - Number(!b.includes("-")));
  for (const jurisdiction of ordered) {
    let source = memo.get(jurisdiction);
    if (!source) {
      const indexed = index.hours.get(jurisdiction);
      if (!indexed) continue;
      source = hoursSource(indexed, index);
      memo.set(jurisdiction, source);
    }
    sources.push(source);
  }
  sources.push(campaignSource(campaign));
  return sources;
}
