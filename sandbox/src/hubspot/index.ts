export { type FaultKind, type FaultSpec, hubspotFaultSpecSchema } from "./faults.js";
export { hubspotSandboxPlugin } from "./plugin.js";
export { customObject, engagementAssociationTypes, type ObjectType } from "./properties.js";
export type { RatePolicy } from "./rate-limits.js";
export {
  HubspotSandbox,
  type HubspotSandboxOptions,
  type SandboxStats,
  type SeedOptions,
} from "./sandbox.js";
