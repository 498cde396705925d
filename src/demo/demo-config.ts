import { configSchema, type TelesyncConfig } from "../config/schema.js";

/** The config `telesync demo` runs with: one Salesforce integration on the built-in sandbox. */
export function demoConfig(options: {
  sandboxUrl: string;
  redisUrl: string;
  campaignId: string;
}): TelesyncConfig {
  return configSchema.parse({
    redis: { url: options.redisUrl, prefix: "{telesync-demo}" },
    integrations: {
      sandbox_sf: {
        vendor: "salesforce",
        instanceUrl: options.sandboxUrl,
        loginUrl: options.sandboxUrl,
        apiVersion: "62.0",
        auth: {
          type: "refresh_token",
          clientId: "sandbox-client",
          clientSecret: "sandbox-secret",
          refreshToken: "sandbox-refresh",
        },
        dispositions: {
          connected: {
            value: "Connected",
            leadUpdates: { Status: "Working - Contacted" },
            memberStatus: "Responded",
          },
          no_answer: { value: "No Answer" },
          voicemail: { value: "Left Voicemail" },
          not_interested: { value: "Not Interested", leadUpdates: { Status: "Closed - Not Converted" } },
        },
      },
    },
    mappings: {
      sf_lead: {
        defaultCountry: "US",
        fields: [
          { to: "phone", from: "Phone", transform: ["phone"], required: true },
          { to: "firstName", from: "FirstName", transform: ["trim"] },
          { to: "lastName", from: "LastName", transform: ["trim"] },
          { to: "company", from: "Company", transform: ["trim"] },
          { to: "email", from: "Email", transform: ["trim", "lower"] },
          { to: "region", from: "State", transform: ["upper"] },
          { to: "postalCode", from: "PostalCode" },
          { to: "country", constant: "US" },
          { to: "doNotCall", from: "DoNotCall", transform: ["boolean"] },
        ],
      },
    },
    sources: [
      {
        id: "q4_campaign",
        integration: "sandbox_sf",
        campaign: "q4_outbound",
        mapping: "sf_lead",
        select: { campaignId: options.campaignId },
      },
    ],
    campaigns: {
      q4_outbound: {
        description: "Q4 outbound to the members of a Salesforce Campaign",
        outcomes: {
          no_answer: { action: "retry", delay: "4h", maxAttempts: 3 },
          busy: { action: "retry", delay: "30m", maxAttempts: 5 },
          callback: { action: "callback" },
          not_interested: { action: "done" },
        },
      },
    },
  });
}
