/** Compliance gate: pure functions deciding whether, and until when, a lead may be called. */
export { type AbandonmentCounts, type AbandonmentStatus, abandonmentStatus } from "./abandonment.js";
export {
  type CampaignCompliancePolicy,
  type CampaignCompliancePolicyInput,
  campaignCompliancePolicySchema,
} from "./campaign-policy.js";
export type { EmergencyBan } from "./emergency.js";
export { type AttemptHistory, capLimitsFor } from "./frequency.js";
export {
  type AllowDecision,
  type BlockDecision,
  type GateDecision,
  type GateInput,
  type GateLead,
  gate,
  relocated,
  type WaitDecision,
} from "./gate.js";
export { type HolidayDate, holidayDates, holidayOn } from "./holidays.js";
export { carryPhone, readCarriedPhone } from "./location/carried-phone.js";
export {
  type LocationInput,
  type ParsedPhone,
  type ResolvedLocation,
  resolveLocation,
} from "./location/resolve-location.js";
export type { RuleRefusal } from "./refusals.js";
export { defaultRuleSet } from "./rule-set.js";
export {
  type CallingHoursDataset,
  type CallingHoursRule,
  callingHoursDatasetSchema,
  callingHoursRuleSchema,
  type FrequencyCapRule,
  frequencyCapDatasetSchema,
  type HolidayCalendar,
  holidayCalendarDatasetSchema,
  type RegistryRule,
  type RuleSet,
  registryDatasetSchema,
  ruleSetSchema,
  type TimeWindow,
  timeWindowSchema,
} from "./rules-schema.js";
export type { SuppressionState } from "./suppression.js";
export { tzVersion } from "./time/zoned.js";
export type { DatasetMeta, Evidence, RuleRef, Weekday } from "./types.js";
