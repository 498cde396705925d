import {
  type CampaignCompliancePolicyInput,
  campaignCompliancePolicySchema,
  defaultRuleSet,
  type GateInput,
  type GateLead,
} from "../../../src/compliance/index.js";

const DAY_MS = 86_400_000;

/** Registries checked a day before `now`, nothing listed. */
export function freshRegistries(now: Date): GateInput["suppression"]["registries"] {
  const snapshotAt = new Date(now.getTime() - DAY_MS).toISOString();
  return Object.fromEntries(["US", "CA", "GB", "AU"].map((c) => [c, { listed: false, snapshotAt }]));
}

/** A gate input with fresh registries, no attempts and a default campaign unless overridden. */
export function gateInput(
  lead: GateLead,
  now: string | Date,
  options: { campaign?: CampaignCompliancePolicyInput; attempts?: Date[] } & Partial<
    Pick<GateInput, "suppression" | "history">
  > = {},
): GateInput {
  const at = typeof now === "string" ? new Date(now) : now;
  return {
    lead,
    campaign: campaignCompliancePolicySchema.parse(options.campaign ?? {}),
    policy: defaultRuleSet(),
    history: options.history ?? { attempts: options.attempts ?? [] },
    suppression: options.suppression ?? { internalDnc: false, registries: freshRegistries(at) },
    now: at,
  };
}
