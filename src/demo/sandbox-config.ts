import type { z } from "zod";
import { configSchema, type TelesyncConfig } from "../config/schema.js";

/**
 * The one place a telesync config pointing at the built-in CRM sandbox is written: the demo, the
 * tests and the benchmarks build theirs from these parts and override what they need. Plain data as
 * a YAML file would hold it (`ConfigInput`), parsed by the real schema in `sandboxConfig`.
 */
export type ConfigInput = z.input<typeof configSchema>;
type IntegrationInput = ConfigInput["integrations"][string];
export type SalesforceInput = Extract<IntegrationInput, { vendor: "salesforce" }>;
export type HubspotInput = Extract<IntegrationInput, { vendor: "hubspot" }>;
export type MappingInput = ConfigInput["mappings"][string];
type DispositionsInput = NonNullable<SalesforceInput["dispositions"]>;

/** The credentials the sandbox accepts (`telesync sandbox` prints them too). */
export const sandboxCredentials = {
  salesforce: { clientId: "sandbox-client", clientSecret: "sandbox-secret", refreshToken: "sandbox-refresh" },
  hubspot: { accessToken: "sandbox-token" },
} as const;

/** HubSpot's default call outcomes (GUIDs are the same in every portal). */
export const hubspotOutcomes = {
  connected: "f240bbac-87c9-4f6e-bf70-924b57d47db7",
  no_answer: "73a0d17f-1163-4015-bdd5-ec830791da20",
  busy: "9d9162e7-6cf3-4944-bf63-4dff82258764",
  voicemail: "b2cf5968-551e-4856-9783-52b3da59a7d0",
  wrong_number: "17b47fee-58de-441e-a44c-c6300d46f273",
} as const;

/** A Salesforce integration on the sandbox at `url` (refresh-token auth); `overrides` replace fields. */
export function sandboxSalesforce(
  url: string,
  overrides: Partial<Omit<SalesforceInput, "vendor">> = {},
): SalesforceInput {
  return {
    vendor: "salesforce",
    instanceUrl: url,
    loginUrl: url,
    auth: { type: "refresh_token", ...sandboxCredentials.salesforce },
    ...overrides,
  };
}

/** A HubSpot integration (private app) on the sandbox's `basePath`; `overrides` replace fields. */
export function sandboxHubspot(
  basePath: string,
  overrides: Partial<Omit<HubspotInput, "vendor">> = {},
): HubspotInput {
  return {
    vendor: "hubspot",
    basePath,
    auth: { type: "private_app", ...sandboxCredentials.hubspot },
    ...overrides,
  };
}

/** Canonical dispositions → the sandbox CRMs' values, with the lead status a conversation sets. */
export const sandboxDispositions = {
  salesforce: {
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
  hubspot: {
    connected: { value: hubspotOutcomes.connected, leadUpdates: { hs_lead_status: "IN_PROGRESS" } },
    no_answer: { value: hubspotOutcomes.no_answer },
    busy: { value: hubspotOutcomes.busy },
    voicemail: { value: hubspotOutcomes.voicemail },
    not_interested: { value: hubspotOutcomes.connected, leadUpdates: { hs_lead_status: "UNQUALIFIED" } },
  },
} satisfies Record<string, DispositionsInput>;

/** Field mappings for the records the sandbox seeds. */
export const sandboxMappings = {
  /** A Salesforce Lead or Contact: phone (required), names, do-not-call; no address, so no location. */
  salesforceLead: {
    fields: [
      { to: "phone", from: "Phone", transform: ["phone"], required: true },
      { to: "firstName", from: "FirstName" },
      { to: "lastName", from: "LastName" },
      { to: "doNotCall", from: "DoNotCall", transform: ["boolean"] },
    ],
  },
  /** A Salesforce Lead with company, email and address (US), so the gate can place it. */
  salesforceLeadWithAddress: {
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
  /**
   * The sandbox's custom object Donor__c (Salesforce): the phone field an admin made, names, state,
   * and the do-not-call checkbox the integration's `objects.Donor__c.doNotCallField` names.
   */
  salesforceDonor: {
    defaultCountry: "US",
    fields: [
      { to: "phone", from: "Phone__c", transform: ["phone"], required: true },
      { to: "firstName", from: "First_Name__c" },
      { to: "lastName", from: "Last_Name__c" },
      { to: "region", from: "State__c", transform: ["upper"] },
      { to: "country", constant: "US" },
      { to: "doNotCall", from: "Do_Not_Call__c", transform: ["boolean"] },
    ],
  },
  /** A HubSpot contact: phone (required), names, email, the do-not-call property. */
  hubspotContact: {
    defaultCountry: "US",
    fields: [
      { to: "phone", from: "phone", transform: ["phone"], required: true },
      { to: "firstName", from: "firstname" },
      { to: "lastName", from: "lastname" },
      { to: "email", from: "email", transform: ["lower"] },
      { to: "doNotCall", from: "telesync_do_not_call", transform: ["boolean"] },
    ],
  },
  /**
   * A HubSpot company (the sandbox seeds them with a phone and a US state): phone, name, state, the
   * do-not-call property the integration's `objects.companies.doNotCall` names.
   */
  hubspotCompany: {
    defaultCountry: "US",
    fields: [
      { to: "phone", from: "phone", transform: ["phone"], required: true },
      { to: "company", from: "name", transform: ["trim"] },
      { to: "region", from: "state", transform: ["upper"] },
      { to: "country", constant: "US" },
      { to: "doNotCall", from: "telesync_do_not_call", transform: ["boolean"] },
    ],
  },
} satisfies Record<string, MappingInput>;

export interface SandboxConfigParts
  extends Pick<ConfigInput, "integrations" | "mappings" | "campaigns">,
    Partial<Omit<ConfigInput, "integrations" | "mappings" | "campaigns" | "redis">> {
  redis: { url: string; prefix: string; cluster?: boolean };
  /** Bearer keys of the HTTP API; the API listens on a free port (0) unless `api` says otherwise. */
  apiKeys?: string[];
}

/** The parts → a config input (still unparsed, for tests that write it to YAML or change it). */
export function sandboxConfigInput(parts: SandboxConfigParts): ConfigInput {
  const { apiKeys, api, ...rest } = parts;
  return {
    ...rest,
    ...(apiKeys || api ? { api: { port: 0, ...(apiKeys ? { keys: apiKeys } : {}), ...api } } : {}),
  };
}

/** The parts → a parsed config. */
export function sandboxConfig(parts: SandboxConfigParts): TelesyncConfig {
  return configSchema.parse(sandboxConfigInput(parts));
}
