import { australiaHours } from "./data/australia.js";
import { canadaHours } from "./data/canada.js";
import { frequencyCaps } from "./data/frequency-caps.js";
import { holidayCalendars } from "./data/holidays.js";
import { registries } from "./data/registries.js";
import { unitedKingdomHours } from "./data/united-kingdom.js";
import { usFederalHours } from "./data/us-federal.js";
import { usStateHours } from "./data/us-states.js";
import type {
  CallingHoursRule,
  FrequencyCapRule,
  HolidayCalendar,
  RegistryRule,
  RuleSet,
} from "./rules-schema.js";
import type { RuleRef } from "./types.js";

const shipped: RuleSet = {
  callingHours: [usFederalHours, usStateHours, canadaHours, unitedKingdomHours, australiaHours],
  frequencyCaps,
  registries,
  holidayCalendars,
  searchHorizonDays: 14,
};

/**
 * The rule data shipped with telesync (sources in `src/compliance/data/README.md`). Always the same
 * object, so the gate's per-rule-set index is built once.
 */
export function defaultRuleSet(): RuleSet {
  return shipped;
}

export interface IndexedRule<T> {
  readonly rule: T;
  readonly ref: RuleRef;
}

/** A rule set indexed by jurisdiction, built once per `RuleSet` object. */
export interface RuleIndex {
  readonly hours: ReadonlyMap<string, IndexedRule<CallingHoursRule>>;
  readonly caps: ReadonlyMap<string, IndexedRule<FrequencyCapRule>>;
  readonly registries: ReadonlyMap<string, IndexedRule<RegistryRule>>;
  readonly calendars: ReadonlyMap<string, HolidayCalendar>;
  readonly calendarsVersion: string;
  readonly horizonDays: number;
}

const indexes = new WeakMap<RuleSet, RuleIndex>();

/** A calling-hours rule's `holidays.calendar` as a list of ids. */
export function calendarIds(calendar: string | readonly string[]): readonly string[] {
  return typeof calendar === "string" ? [calendar] : calendar;
}

export function indexRuleSet(ruleSet: RuleSet): RuleIndex {
  const cached = indexes.get(ruleSet);
  if (cached) return cached;
  const hours = new Map<string, IndexedRule<CallingHoursRule>>();
  for (const dataset of ruleSet.callingHours) {
    for (const rule of dataset.rules) {
      if (hours.has(rule.jurisdiction)) throw new Error(`two calling-hours rules for ${rule.jurisdiction}`);
      hours.set(rule.jurisdiction, {
        rule,
        ref: { id: `hours.${rule.jurisdiction}`, version: `${dataset.id}@${dataset.version}` },
      });
    }
  }
  const capsData = ruleSet.frequencyCaps;
  const caps = new Map(
    capsData.rules.map((rule) => [
      rule.jurisdiction,
      { rule, ref: { id: `cap.${rule.jurisdiction}`, version: `${capsData.id}@${capsData.version}` } },
    ]),
  );
  const registryData = ruleSet.registries;
  const registryRules = new Map(
    registryData.rules.map((rule) => [
      rule.country,
      {
        rule,
        ref: { id: `registry.${rule.country}`, version: `${registryData.id}@${registryData.version}` },
      },
    ]),
  );
  const calendarData = ruleSet.holidayCalendars;
  const calendars = new Map(calendarData.calendars.map((c) => [c.id, c]));
  for (const { rule } of hours.values()) {
    for (const id of rule.holidays ? calendarIds(rule.holidays.calendar) : []) {
      if (!calendars.has(id))
        throw new Error(`calling-hours rule ${rule.jurisdiction} names unknown holiday calendar ${id}`);
    }
  }
  const index: RuleIndex = {
    hours,
    caps,
    registries: registryRules,
    calendars,
    calendarsVersion: `${calendarData.id}@${calendarData.version}`,
    horizonDays: ruleSet.searchHorizonDays,
  };
  indexes.set(ruleSet, index);
  return index;
}
