export type { Credentials } from "./auth.js";
export { type ChangeType, changeChannel } from "./change-events.js";
export { SalesforceApiError, type SalesforceErrorItem } from "./errors.js";
export { type FaultKind, type FaultSpec, faultSpecSchema } from "./faults.js";
export { salesforcePlugin } from "./plugin.js";
export type { Operation } from "./record-check.js";
export { cometdPlugin } from "./routes-cometd.js";
export { salesforceControlRoutes } from "./routes-control.js";
export {
  type RejectPredicate,
  type SalesforceRecord,
  SalesforceSandbox,
  type SalesforceSandboxOptions,
} from "./sandbox.js";
export type { SfValue } from "./schema.js";
export type { SeedLeadsOptions } from "./seed.js";
export { AREAS } from "./seed-data.js";
export type { QueryResult } from "./soql-eval.js";
export type { RequestKind, SalesforceStats } from "./stats.js";
