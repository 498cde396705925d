import { z } from "zod";
import { weekdays } from "./types.js";

/** `HH:MM` wall-clock time, `00:00` to `24:00`. */
export const clockTimeSchema = z
  .string()
  .regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, "expected a time like 08:00 (00:00 to 24:00)");

/** Minutes since local midnight of a validated `HH:MM`. */
export function clockMinutes(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

/** A half-open local window `[start, end)`, e.g. `{ start: "08:00", end: "21:00" }`. */
export const timeWindowSchema = z
  .strictObject({ start: clockTimeSchema, end: clockTimeSchema })
  .refine((w) => clockMinutes(w.start) < clockMinutes(w.end), { message: "start must be before end" });
export type TimeWindow = z.infer<typeof timeWindowSchema>;

export const weekdaySchema = z.enum(weekdays);

/** Permitted windows for every day of the week; an empty list means no calls that day. */
export const weekScheduleSchema = z.object({
  sun: z.array(timeWindowSchema),
  mon: z.array(timeWindowSchema),
  tue: z.array(timeWindowSchema),
  wed: z.array(timeWindowSchema),
  thu: z.array(timeWindowSchema),
  fri: z.array(timeWindowSchema),
  sat: z.array(timeWindowSchema),
});
export type WeekSchedule = z.infer<typeof weekScheduleSchema>;

/**
 * Which extra days a holiday bans when it falls on a weekend. The actual date is always included.
 * - `none`: only the date itself.
 * - `sat-fri-sun-mon`: a Saturday holiday also bans the Friday before, a Sunday one the Monday after.
 * - `sun-mon`: a Sunday holiday also bans the Monday after.
 * - `next-weekday`: a weekend holiday also bans the next weekday that is not already a holiday.
 */
export const observedShiftSchema = z.enum(["none", "sat-fri-sun-mon", "sun-mon", "next-weekday"]);
export type ObservedShift = z.infer<typeof observedShiftSchema>;

const isoDateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected YYYY-MM-DD");
/** ISO 3166-1 alpha-2 country, or `CC-SUB` with an ISO 3166-2 subdivision (`US-FL`, `CA-ON`). */
export const jurisdictionSchema = z.string().regex(/^[A-Z]{2}(?:-[A-Z0-9]{1,3})?$/, "expected US or US-FL");
export const countrySchema = z.string().regex(/^[A-Z]{2}$/, "expected an ISO 3166-1 alpha-2 code like US");

/** Calling hours of one jurisdiction, in the called party's local time. */
export const callingHoursRuleSchema = z.object({
  jurisdiction: jurisdictionSchema,
  days: weekScheduleSchema,
  /** On a holiday of `calendar`, the day's windows are intersected with `windows` (empty = no calls). */
  holidays: z
    .object({
      /** One calendar id, or several whose days all ban (e.g. a state's own list and the federal one). */
      calendar: z.union([z.string(), z.array(z.string()).min(1)]),
      observed: observedShiftSchema,
      windows: z.array(timeWindowSchema),
    })
    .optional(),
  /**
   * A fixed-offset zone in which the windows must also hold, for a statute that names a standard
   * time (Mississippi: "Central Standard Time" → `Etc/GMT+6`). The windows still apply in every
   * candidate zone's wall time as well, so both readings are satisfied.
   */
  standardTimeZone: z.string().optional(),
  /** `false` when the hours are an industry default, not law (e.g. the UK). */
  statutory: z.boolean().default(true),
  /** `false` when only secondary or conflicting sources were found (⚠ in the research notes). */
  verified: z.boolean().default(false),
  sources: z.array(z.string()).min(1),
  note: z.string().optional(),
});
export type CallingHoursRule = z.infer<typeof callingHoursRuleSchema>;

/** At most `maxAttempts` call attempts per number per seller over a rolling `windowHours`. */
export const frequencyCapRuleSchema = z.object({
  jurisdiction: jurisdictionSchema,
  maxAttempts: z.number().int().positive(),
  windowHours: z.number().positive(),
  sources: z.array(z.string()).min(1),
  note: z.string().optional(),
});
export type FrequencyCapRule = z.infer<typeof frequencyCapRuleSchema>;

/** A national do-not-call registry and how old a snapshot of it may be. */
export const registryRuleSchema = z.object({
  country: countrySchema,
  name: z.string(),
  maxAgeDays: z.number().positive(),
  sources: z.array(z.string()).min(1),
  note: z.string().optional(),
});
export type RegistryRule = z.infer<typeof registryRuleSchema>;

/** How a holiday's date is found in a given year. */
export const holidayDateRuleSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("fixed"),
    month: z.number().int().min(1).max(12),
    day: z.number().int().min(1).max(31),
  }),
  /** The `nth` (1-5, or -1 for last) `weekday` of `month`. */
  z.object({
    kind: z.literal("nth-weekday"),
    month: z.number().int().min(1).max(12),
    weekday: weekdaySchema,
    nth: z.union([z.literal(-1), z.number().int().min(1).max(5)]),
    /** Days added after finding the weekday (Election Day: the Tuesday after the first Monday = +1). */
    offsetDays: z.number().int().optional(),
  }),
  /** Days from Western Easter Sunday (Good Friday = -2, Easter Monday = 1). */
  z.object({ kind: z.literal("easter"), offsetDays: z.number().int() }),
]);
export type HolidayDateRule = z.infer<typeof holidayDateRuleSchema>;

/** Where a rule comes from: a citation and, where one exists, the official text's address. */
export const legalSourceSchema = z.object({ citation: z.string().min(1), url: z.string().url().optional() });
export type LegalSource = z.infer<typeof legalSourceSchema>;

/**
 * One holiday of a calendar. `from` / `until` (ISO dates, `until` exclusive) bound the days on which
 * the holiday bans calls, so a law change adds a new entry instead of rewriting the old one and a
 * decision about a past instant is still made under the law then in force.
 */
export const holidaySchema = z.object({
  name: z.string(),
  date: holidayDateRuleSchema,
  /** Kept for older rule data: same as `from: <year>-01-01`. */
  sinceYear: z.number().int().optional(),
  from: isoDateSchema.optional(),
  until: isoDateSchema.optional(),
  /** Only in even or odd years (e.g. an election day in the years of a general election). */
  years: z.enum(["even", "odd"]).optional(),
  /**
   * Extra banned days when the actual date falls on a given weekday, as day offsets (Utah's
   * Juneteenth: `{ tue: -1, … sat: 2, sun: 1 }`). Added to the calling-hours rule's `observed` policy.
   */
  observedShift: z.partialRecord(weekdaySchema, z.number().int().min(-6).max(6)).optional(),
  source: legalSourceSchema.optional(),
  note: z.string().optional(),
});
export type Holiday = z.infer<typeof holidaySchema>;

export const holidayCalendarSchema = z.object({
  id: z.string(),
  /** The jurisdiction whose law lists these days (`US-AL`), when the calendar is one state's. */
  jurisdiction: jurisdictionSchema.optional(),
  sources: z.array(legalSourceSchema).optional(),
  holidays: z.array(holidaySchema),
});
export type HolidayCalendar = z.infer<typeof holidayCalendarSchema>;

const datasetMetaShape = {
  id: z.string().regex(/^[a-z0-9-]+$/),
  version: z.string().min(1),
  effectiveFrom: isoDateSchema,
  sources: z.array(z.string()).min(1),
  licence: z.string().optional(),
  notes: z.array(z.string()).optional(),
};
export const callingHoursDatasetSchema = z.object({
  ...datasetMetaShape,
  rules: z.array(callingHoursRuleSchema),
});
export const frequencyCapDatasetSchema = z.object({
  ...datasetMetaShape,
  rules: z.array(frequencyCapRuleSchema),
});
export const registryDatasetSchema = z.object({ ...datasetMetaShape, rules: z.array(registryRuleSchema) });
export const holidayCalendarDatasetSchema = z.object({
  ...datasetMetaShape,
  calendars: z.array(holidayCalendarSchema),
});
export type CallingHoursDataset = z.infer<typeof callingHoursDatasetSchema>;
export type FrequencyCapDataset = z.infer<typeof frequencyCapDatasetSchema>;
export type RegistryDataset = z.infer<typeof registryDatasetSchema>;
export type HolidayCalendarDataset = z.infer<typeof holidayCalendarDatasetSchema>;

/**
 * Every rule the gate applies, as versioned datasets. `defaultRuleSet` assembles the shipped data;
 * a deployment may load its own (e.g. from JSON) and validate it with this schema.
 */
export const ruleSetSchema = z.object({
  callingHours: z.array(callingHoursDatasetSchema).min(1),
  frequencyCaps: frequencyCapDatasetSchema,
  registries: registryDatasetSchema,
  holidayCalendars: holidayCalendarDatasetSchema,
  /** How far ahead `gate` looks for the next permitted instant before it blocks instead of waiting. */
  searchHorizonDays: z.number().int().min(1).max(60).default(14),
});
export type RuleSet = z.infer<typeof ruleSetSchema>;
