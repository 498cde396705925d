/** Days of the week, in the order `Date#getUTCDay` would give them starting from Sunday. */
export const weekdays = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
export type Weekday = (typeof weekdays)[number];

/** Identity of a versioned data file: every rule that decides names the dataset it came from. */
export interface DatasetMeta {
  /** Stable id, e.g. `us-states`. */
  readonly id: string;
  /** Version of the data, bumped whenever a rule changes (e.g. `2026.11.28`). */
  readonly version: string;
  /** ISO date from which this version of the data is meant to be used. */
  readonly effectiveFrom: string;
  /** Where the rules come from (statute, regulator page, secondary table). */
  readonly sources: readonly string[];
  readonly licence?: string | undefined;
  readonly notes?: readonly string[] | undefined;
}

/** The rule that decided, as `id` plus `dataset@version`, so a decision can be audited later. */
export interface RuleRef {
  readonly id: string;
  readonly version: string;
}

/** What a rule looked at: which zone, local time there, which jurisdiction, or other detail. */
export interface Evidence {
  readonly zone?: string;
  /** Local wall time in `zone`, e.g. `2026-03-08T07:30 sun`. */
  readonly localTime?: string;
  readonly jurisdiction?: string;
  readonly detail?: string;
}
