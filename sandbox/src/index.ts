/**
 * @telesync/sandbox: an in-memory CRM (the Salesforce REST and HubSpot CRM v3 subsets telesync uses)
 * for the demo, the tests and the benchmarks. A development tool: not part of the telesync package.
 */
export {
  customObject as hubspotCustomObject,
  engagementAssociationTypes as hubspotEngagementAssociationTypes,
  type FaultKind as HubspotFaultKind,
  type FaultSpec as HubspotFaultSpec,
  HubspotSandbox,
  type HubspotSandboxOptions,
  hubspotFaultSpecSchema,
  hubspotSandboxPlugin,
  type ObjectType as HubspotObjectType,
  type RatePolicy,
  type SandboxStats,
  type SeedOptions,
} from "./hubspot/index.js";
export * from "./salesforce/index.js";
export * from "./server.js";
