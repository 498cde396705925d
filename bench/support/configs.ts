/** Configs as they would be written in YAML (plain JSON): parsed with `configSchema` where used. */

export const benchApiKey = "bench-key-0123456789abcdef0123";

const salesforceLeadMapping = {
  fields: [
    { to: "phone", from: "Phone", transform: ["phone"], required: true },
    { to: "firstName", from: "FirstName", transform: ["trim"] },
    { to: "lastName", from: "LastName", transform: ["trim"] },
    { to: "company", from: "Company" },
    { to: "email", from: "Email", transform: ["lower"] },
    { to: "region", from: "State" },
    { to: "postalCode", from: "PostalCode" },
    { to: "doNotCall", from: "DoNotCall", transform: ["boolean"] },
  ],
};

/** One Salesforce integration on the sandbox, source `leads` (open Leads) → campaign `bench`. */
export function salesforceBenchConfig(sandboxUrl: string, redisUrl: string, prefix: string) {
  return {
    redis: { url: redisUrl, prefix },
    integrations: {
      sf: {
        vendor: "salesforce",
        instanceUrl: sandboxUrl,
        loginUrl: sandboxUrl,
        auth: {
          type: "refresh_token",
          clientId: "sandbox-client",
          clientSecret: "sandbox-secret",
          refreshToken: "sandbox-refresh",
        },
        dispositions: {
          connected: { value: "Connected", leadUpdates: { Status: "Working - Contacted" } },
          no_answer: { value: "No Answer" },
          busy: { value: "Busy" },
          voicemail: { value: "Left Voicemail" },
          not_interested: { value: "Not Interested", leadUpdates: { Status: "Closed - Not Converted" } },
        },
      },
    },
    mappings: { lead: salesforceLeadMapping },
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
        lease: { ttl: "5m" },
        outcomes: {
          no_answer: { action: "retry", delay: "4h", maxAttempts: 3 },
          busy: { action: "retry", delay: "30m", maxAttempts: 5 },
          voicemail: { action: "retry", delay: "1d", maxAttempts: 2 },
        },
      },
    },
    api: { keys: [benchApiKey], port: 0 },
  };
}

/** One HubSpot integration on the sandbox (private app), all contacts → campaign `hs_bench`. */
export function hubspotBenchConfig(hubspotBasePath: string, redisUrl: string, prefix: string, burst: number) {
  return {
    redis: { url: redisUrl, prefix },
    integrations: {
      hs: {
        vendor: "hubspot",
        basePath: hubspotBasePath,
        auth: { type: "private_app", accessToken: "sandbox-token" },
        burstLimitPer10s: burst,
        dispositions: {
          connected: { value: "f240bbac-87c9-4f6e-bf70-924b57d47db7" },
          no_answer: { value: "73a0d17f-1163-4015-bdd5-ec830791da20" },
          busy: { value: "9d9162e7-6cf3-4944-bf63-4dff82258764" },
          voicemail: { value: "b2cf5968-551e-4856-9783-52b3da59a7d0" },
        },
      },
    },
    mappings: {
      contact: {
        fields: [
          { to: "phone", from: "phone", transform: ["phone"], required: true },
          { to: "firstName", from: "firstname" },
          { to: "lastName", from: "lastname" },
          { to: "doNotCall", from: "telesync_do_not_call", transform: ["boolean"] },
        ],
      },
    },
    sources: [
      {
        id: "contacts",
        integration: "hs",
        campaign: "hs_bench",
        mapping: "contact",
        select: { allContacts: true },
      },
    ],
    campaigns: { hs_bench: { lease: { ttl: "5m" } } },
    api: { keys: [benchApiKey], port: 0 },
  };
}
