/** telesync as a library: everything a Node dialer or an embedding service needs. */
export type { ComplianceGate } from "./compliance-gate/compliance-gate.js";
export type { DecisionRecord } from "./compliance-gate/decision-log.js";
export type { GateVerdict, LeaseGate } from "./compliance-gate/lease-gate.js";
export { loadConfig, parseConfig } from "./config/load.js";
export type { CampaignConfig, FieldMapping, SourceConfig, TelesyncConfig } from "./config/schema.js";
export { configSchema } from "./config/schema.js";
export type { Answers, Question, Script } from "./config/script-schema.js";
export type { Lease } from "./dialer/lease-service.js";
export { ConfigError, CrmError, type ErrorClass } from "./errors.js";
export { mapRecord } from "./mapping/map-record.js";
export type { Lead } from "./model/lead.js";
export type { CallOutcome, ConsentChange } from "./model/outcome.js";
export type { OutcomeReport } from "./outcomes/outcome-service.js";
export { type Role, type ServiceOptions, TelesyncService } from "./runtime/service.js";
export { createTelesync, Telesync, type TelesyncOptions } from "./runtime/telesync.js";
export type { AnswerDistribution } from "./scripts/distribution.js";
export { type AnswerProblem, validateAnswers } from "./scripts/validate-answers.js";
export type { SyncReport } from "./sync/run-sync.js";
