import { configSchema, type TelesyncConfig } from "../config/schema.js";

/** HubSpot's default call outcomes (GUIDs are the same in every portal). */
export const hubspotOutcomes = {
  connected: "f240bbac-87c9-4f6e-bf70-924b57d47db7",
  no_answer: "73a0d17f-1163-4015-bdd5-ec830791da20",
  busy: "9d9162e7-6cf3-4944-bf63-4dff82258764",
  voicemail: "b2cf5968-551e-4856-9783-52b3da59a7d0",
  wrong_number: "17b47fee-58de-441e-a44c-c6300d46f273",
} as const;

/** The config `telesync demo` runs with: Salesforce and HubSpot, both on the built-in sandbox. */
export function demoConfig(options: {
  sandboxUrl: string;
  hubspotBasePath: string;
  redisUrl: string;
  campaignId: string;
  apiKey: string;
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
        // The sandbox serves Change Data Capture: an opt-out ticked in Salesforce stops calls at once.
        realtime: { changeDataCapture: true },
        dispositions: {
          connected: {
            value: "Connected",
            leadUpdates: { Status: "Working - Contacted" },
            memberStatus: "Responded",
          },
          no_answer: { value: "No Answer" },
          busy: { value: "Busy" },
          voicemail: { value: "Left Voicemail" },
          not_interested: { value: "Not Interested", leadUpdates: { Status: "Closed - Not Converted" } },
        },
      },
      sandbox_hs: {
        vendor: "hubspot",
        basePath: options.hubspotBasePath,
        auth: { type: "private_app", accessToken: "sandbox-token" },
        dispositions: {
          connected: { value: hubspotOutcomes.connected, leadUpdates: { hs_lead_status: "IN_PROGRESS" } },
          no_answer: { value: hubspotOutcomes.no_answer },
          busy: { value: hubspotOutcomes.busy },
          voicemail: { value: hubspotOutcomes.voicemail },
          not_interested: {
            value: hubspotOutcomes.connected,
            leadUpdates: { hs_lead_status: "UNQUALIFIED" },
          },
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
      hs_contact: {
        defaultCountry: "US",
        fields: [
          { to: "phone", from: "phone", transform: ["phone"], required: true },
          { to: "firstName", from: "firstname" },
          { to: "lastName", from: "lastname" },
          { to: "email", from: "email", transform: ["lower"] },
          { to: "doNotCall", from: "telesync_do_not_call", transform: ["boolean"] },
        ],
      },
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
      },
      hs_outbound: {
        description: "HubSpot contacts",
        outcomes: { no_answer: { action: "retry", delay: "4h", maxAttempts: 3 } },
      },
    },
    api: { keys: [options.apiKey], port: 0 },
  });
}
