import type { TelesyncConfig } from "../config/schema.js";
import {
  sandboxConfig,
  sandboxDispositions,
  sandboxHubspot,
  sandboxMappings,
  sandboxSalesforce,
} from "./sandbox-config.js";

/** The demo's leads are made up and there is no registry to screen them against: said explicitly. */
const demoUnscreened = {
  requiredRegistries: "none",
  unscreenedReason:
    "demo on the built-in CRM sandbox: made-up numbers, no registry snapshot to screen against",
} as const;

export { hubspotOutcomes } from "./sandbox-config.js";

/** The config `telesync demo` runs with: Salesforce and HubSpot, both on the built-in sandbox. */
export function demoConfig(options: {
  sandboxUrl: string;
  hubspotBasePath: string;
  redisUrl: string;
  campaignId: string;
  apiKey: string;
}): TelesyncConfig {
  return sandboxConfig({
    redis: { url: options.redisUrl, prefix: "{telesync-demo}" },
    integrations: {
      sandbox_sf: sandboxSalesforce(options.sandboxUrl, {
        apiVersion: "62.0",
        dispositions: sandboxDispositions.salesforce,
      }),
      sandbox_hs: sandboxHubspot(options.hubspotBasePath, { dispositions: sandboxDispositions.hubspot }),
    },
    mappings: {
      sf_lead: sandboxMappings.salesforceLeadWithAddress,
      hs_contact: sandboxMappings.hubspotContact,
    },
    sources: [
      {
        id: "sf_campaign",
        integration: "sandbox_sf",
        campaign: "q4_outbound",
        mapping: "sf_lead",
        select: { campaignId: options.campaignId },
      },
      {
        id: "hs_contacts",
        integration: "sandbox_hs",
        campaign: "hs_outbound",
        mapping: "hs_contact",
        select: { allContacts: true },
      },
    ],
    campaigns: {
      q4_outbound: {
        description: "Q4 outbound to the members of a Salesforce Campaign",
        outcomes: {
          no_answer: { action: "retry", delay: "4h", maxAttempts: 3 },
          busy: { action: "retry", delay: "30m", maxAttempts: 5 },
          callback: { action: "callback" },
        },
        compliance: demoUnscreened,
      },
      hs_outbound: {
        description: "HubSpot contacts",
        outcomes: { no_answer: { action: "retry", delay: "4h", maxAttempts: 3 } },
        compliance: demoUnscreened,
      },
    },
    apiKeys: [options.apiKey],
  });
}
