import { z } from "zod";
import { countrySchema, timeWindowSchema, weekdaySchema } from "./rules-schema.js";
import { weekdays } from "./types.js";

/**
 * A campaign's compliance settings, chosen by its admin. They can only narrow what the law allows:
 * the gate intersects them with every applicable jurisdiction's rules, never the other way round.
 * Reusable inside the config file schema (`campaigns.<id>.compliance`).
 */
export const campaignCompliancePolicySchema = z.strictObject({
  /** Days of the lead's local week on which this campaign calls. Default: every day the law allows. */
  callingDays: z
    .array(weekdaySchema)
    .min(1)
    .default([...weekdays]),
  /** Local windows (in the lead's zone) in which this campaign calls. Default: whenever the law allows. */
  callingHours: z
    .array(timeWindowSchema)
    .min(1)
    .default([{ start: "00:00", end: "24:00" }]),
  /**
   * When the number gives no location (toll-free, non-geographic, country-wide prefix):
   * `block` (default) refuses the lead; `allow-federal-only` applies the national rules (and any state
   * rules known from the address) over the zones known from the address, or else over all of the
   * country's zones.
   */
  unknownLocation: z.enum(["block", "allow-federal-only"]).default("block"),
  /** Per-number attempt cap for every lead, beside the stricter state caps (FL, OK, MD: 3 per 24 h). */
  frequencyCap: z
    .strictObject({ maxAttempts: z.number().int().positive(), windowHours: z.number().positive().max(720) })
    .default({ maxAttempts: 5, windowHours: 24 }),
  /** Countries whose national do-not-call registry must have been checked for a lead located there. */
  requiredRegistries: z.array(countrySchema).default(["US", "CA", "GB", "AU"]),
  /** Stricter registry snapshot age limits per country, in days (the rule data's limit still applies). */
  registryMaxAgeDays: z.record(countrySchema, z.number().positive()).default({}),
  /** Abandonment rate over 30 days above which the campaign is switched to preview dialing (legal cap 3%). */
  abandonmentThreshold: z.number().gt(0).max(0.03).default(0.025),
});
/** A parsed campaign policy (defaults applied). */
export type CampaignCompliancePolicy = z.infer<typeof campaignCompliancePolicySchema>;
/** A campaign policy as written in config, before defaults. */
export type CampaignCompliancePolicyInput = z.input<typeof campaignCompliancePolicySchema>;
