import type { z } from "zod";
import type { TelesyncConfig } from "../config/schema.js";
import type { scriptSchema } from "../config/script-schema.js";
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

/** The HubSpot campaign's survey: support, then (unless opposed) volunteering and hours. */
const outreachSurvey: z.input<typeof scriptSchema> = {
  questions: [
    {
      id: "support",
      text: "Will you support Measure 4?",
      type: "choice",
      options: ["strong", "lean", "undecided", "oppose"],
      required: true,
      next: { when: { oppose: "end" } },
    },
    {
      id: "volunteer",
      text: "Would you volunteer?",
      type: "yes-no",
      required: true,
      next: { when: { no: "end" } },
    },
    { id: "hours", text: "How many hours a week?", type: "number", min: 0, max: 40, buckets: [5, 10, 20] },
  ],
};

/** The config `telesync demo` runs with: Salesforce and HubSpot, both on the built-in sandbox. */
export function demoConfig(options: {
  sandboxUrl: string;
  hubspotBasePath: string;
  redisUrl: string;
  campaignId: string;
  apiKey: string;
  /** Default `{telesync-demo}`; tests give a unique one on the shared Redis. */
  redisPrefix?: string;
}): TelesyncConfig {
  return sandboxConfig({
    redis: { url: options.redisUrl, prefix: options.redisPrefix ?? "{telesync-demo}" },
    integrations: {
      sandbox_sf: sandboxSalesforce(options.sandboxUrl, {
        apiVersion: "62.0",
        // The sandbox serves Change Data Capture: an opt-out ticked in Salesforce stops calls at once.
        realtime: { changeDataCapture: true },
        dispositions: sandboxDispositions.salesforce,
        // A custom object as a source: its do-not-call checkbox, for opt-outs both ways.
        objects: { Donor__c: { doNotCallField: "Do_Not_Call__c" } },
      }),
      sandbox_hs: sandboxHubspot(options.hubspotBasePath, {
        dispositions: sandboxDispositions.hubspot,
        // Companies as a source: their do-not-call checkbox, for opt-outs both ways.
        objects: { companies: { doNotCall: { property: "telesync_do_not_call" } } },
        answerFields: {
          support: {
            field: "support_level",
            values: { strong: "Strong Support", lean: "Leaning", undecided: "Undecided", oppose: "Opposed" },
          },
          volunteer: { field: "volunteer" },
          hours: { field: "volunteer_hours" },
        },
      }),
    },
    mappings: {
      sf_lead: sandboxMappings.salesforceLeadWithAddress,
      sf_donor: sandboxMappings.salesforceDonor,
      hs_contact: sandboxMappings.hubspotContact,
      hs_company: sandboxMappings.hubspotCompany,
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
        id: "sf_donors",
        integration: "sandbox_sf",
        campaign: "donor_drive",
        mapping: "sf_donor",
        select: { object: "Donor__c", where: "Stage__c = 'Active'" },
      },
      {
        id: "hs_contacts",
        integration: "sandbox_hs",
        campaign: "hs_outbound",
        mapping: "hs_contact",
        select: { allContacts: true },
      },
      {
        id: "hs_companies",
        integration: "sandbox_hs",
        campaign: "hs_nonprofit",
        mapping: "hs_company",
        select: {
          object: "companies",
          search: {
            filterGroups: [
              {
                filters: [
                  { propertyName: "industry", operator: "EQ", value: "NON_PROFIT_ORGANIZATION_MANAGEMENT" },
                ],
              },
            ],
          },
        },
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
      donor_drive: {
        description: "Active donors, from the custom object Donor__c (calls logged Related To each donor)",
        outcomes: { no_answer: { action: "retry", delay: "4h", maxAttempts: 3 } },
        compliance: demoUnscreened,
      },
      hs_outbound: {
        description: "HubSpot contacts, with an outreach survey",
        outcomes: { no_answer: { action: "retry", delay: "4h", maxAttempts: 3 } },
        compliance: demoUnscreened,
        script: outreachSurvey,
      },
      hs_nonprofit: {
        description: "Non-profit HubSpot companies (calls associated with each company)",
        outcomes: { no_answer: { action: "retry", delay: "4h", maxAttempts: 3 } },
        compliance: demoUnscreened,
      },
    },
    apiKeys: [options.apiKey],
  });
}
