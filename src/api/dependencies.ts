import type { FastifyInstance } from "fastify";
import type { CrmConnector } from "../../connectors/types.js";
import type { AbandonmentCounter } from "../compliance-gate/abandonment-counter.js";
import type { DecisionLog } from "../compliance-gate/decision-log.js";
import type { NextCallableQuery } from "../compliance-gate/next-callable.js";
import type { TelesyncConfig } from "../config/schema.js";
import type { ConsentService } from "../consent/consent-service.js";
import type { LeaseService } from "../dialer/lease-service.js";
import type { PhoneLookup } from "../lookup/phone-lookup.js";
import type { Logger } from "../observability/logger.js";
import type { Metrics } from "../observability/metrics.js";
import type { InboundCallService } from "../outcomes/inbound-call-service.js";
import type { OutcomeService } from "../outcomes/outcome-service.js";
import type { Redis } from "../queues/connection.js";
import type { DialQueueRegistry } from "../queues/dial-queue-registry.js";
import type { SyncRunRecord } from "../sync/sync-state.js";
import type { SyncTrigger } from "../sync/trigger.js";
import type { DeadLetterQueue } from "../writeback/dead-letter.js";
import type { WritebackIntake } from "../writeback/outcome-intake.js";
import type { OutcomeNotifier } from "../writeback/outcome-notifier.js";
import type { OutcomeReceipts } from "../writeback/receipts.js";
import type { HealthOptions } from "./health.js";

/** What the HTTP API calls: each route takes what it needs from here. */
export interface ApiDependencies {
  config: TelesyncConfig;
  log: Logger;
  /** telesync's clock. */
  now: () => Date;
  /** `/healthz` pings it and reads the breakers' state in it; a request meets a 503 while it is away. */
  redis: Redis;
  prefix: string;
  health?: HealthOptions;
  dialQueues: Pick<DialQueueRegistry, "get" | "campaigns" | "jobsOfLead">;
  leases: Pick<LeaseService, "lease" | "extend" | "release">;
  outcomes: Pick<OutcomeService, "report" | "dispositionCounts" | "answerDistribution" | "flaggedOutcomes">;
  consent: Pick<ConsentService, "apply" | "leads" | "ledger">;
  /** Inbound calls (`POST /v1/calls`). */
  inbound: Pick<InboundCallService, "report">;
  /** Outcome receipts (`GET /v1/outcomes/{outcomeId}`). */
  receipts: Pick<OutcomeReceipts, "read" | "postedBy">;
  /** An accepted outcome's final state goes to the webhook of the API key that posted it. */
  notifier: Pick<OutcomeNotifier, "watch">;
  abandonment: Pick<AbandonmentCounter, "status">;
  decisions: Pick<DecisionLog, "read">;
  /** When a campaign's next held lead becomes callable: the hint in a lease's 204. */
  nextCallable?: Pick<NextCallableQuery, "next">;
  /** A source's recent sync runs, newest first. */
  syncHistory: (sourceId: string, limit: number) => Promise<SyncRunRecord[]>;
  /** An integration's connector, for the pause `/healthz` reports. */
  connector: (integrationId: string) => Pick<CrmConnector, "currentPause" | "rateBudget">;
  intake: Pick<WritebackIntake, "queue" | "enqueue" | "outboxKey">;
  deadLetters: Pick<DeadLetterQueue, "count" | "list">;
  metrics: Metrics;
  trigger: Pick<SyncTrigger, "trigger">;
  /** Screen-pop lookup (`GET /v1/lookup`); the route is absent without it. */
  lookup?: Pick<PhoneLookup, "lookup">;
  /** Extra routes that bring their own authentication (webhook receivers verify signatures). */
  plugins?: Array<(app: FastifyInstance) => Promise<void> | void>;
}
