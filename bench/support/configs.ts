/** Configs as they would be written in YAML (plain JSON): parsed with `configSchema` where used. */
import {
  type ConfigInput,
  hubspotOutcomes,
  sandboxConfigInput,
  sandboxDispositions,
  sandboxHubspot,
  sandboxMappings,
  sandboxSalesforce,
} from "../../src/demo/sandbox-config.js";

export const benchApiKey = "bench-key-0123456789abcdef0123";

/**
 * The sandbox's numbers are made up and there is no registry snapshot to screen them against: said
 * explicitly, as the demo does (without it every US lead is blocked, "no registry snapshot for US").
 */
export const benchUnscreened = {
  requiredRegistries: "none",
  unscreenedReason: "benchmark on the CRM sandbox: made-up numbers, no registry snapshot to screen against",
} as const;

/** One Salesforce integration on the sandbox, source `leads` (open Leads) → campaign `bench`. */
export function salesforceBenchConfig(sandboxUrl: string, redisUrl: string, prefix: string): ConfigInput {
  return sandboxConfigInput({
    redis: { url: redisUrl, prefix },
    integrations: { sf: sandboxSalesforce(sandboxUrl, { dispositions: sandboxDispositions.salesforce }) },
    mappings: { lead: sandboxMappings.salesforceLeadWithAddress },
    sources: [
      {
        id: "leads",
        integration: "sf",
        campaign: "bench",
        mapping: "lead",
        select: { object: "Lead", where: "Status = 'Open - Not Contacted'" },
      },
    ],
    campaigns: {
      bench: {
        compliance: benchUnscreened,
        lease: { ttl: "5m" },
        outcomes: {
          no_answer: { action: "retry", delay: "4h", maxAttempts: 3 },
          busy: { action: "retry", delay: "30m", maxAttempts: 5 },
          voicemail: { action: "retry", delay: "1d", maxAttempts: 2 },
        },
      },
    },
    apiKeys: [benchApiKey],
  });
}

/** One HubSpot integration on the sandbox (private app), all contacts → campaign `hs_bench`. */
export function hubspotBenchConfig(
  hubspotBasePath: string,
  redisUrl: string,
  prefix: string,
  burst: number,
): ConfigInput {
  return sandboxConfigInput({
    redis: { url: redisUrl, prefix },
    integrations: {
      hs: sandboxHubspot(hubspotBasePath, {
        burstLimitPer10s: burst,
        // Calls only: no contact update per conversation, so the figure is the calls' batch path.
        dispositions: { ...sandboxDispositions.hubspot, connected: { value: hubspotOutcomes.connected } },
      }),
    },
    mappings: { contact: sandboxMappings.hubspotContact },
    sources: [
      {
        id: "contacts",
        integration: "hs",
        campaign: "hs_bench",
        mapping: "contact",
        select: { allContacts: true },
      },
    ],
    campaigns: { hs_bench: { compliance: benchUnscreened, lease: { ttl: "5m" } } },
    apiKeys: [benchApiKey],
  });
}
