import type { FastifyInstance } from "fastify";
import type { ChangeStream } from "../../connectors/types.js";
import { adminPlugin } from "../admin/plugin.js";
import type { HealthOptions } from "../api/health.js";
import { webhookRoutes } from "../api/routes/webhooks.js";
import { buildApi } from "../api/server.js";
import type { LeaseGate } from "../compliance-gate/lease-gate.js";
import { NextCallableQuery } from "../compliance-gate/next-callable.js";
import { ownEntry } from "../config/lookup.js";
import { ConsentLedger } from "../consent/consent-ledger.js";
import { ConsentService } from "../consent/consent-service.js";
import { LeadDirectory } from "../consent/lead-directory.js";
import { SuppressionList } from "../consent/suppression.js";
import { LeaseService } from "../dialer/lease-service.js";
import { LeadTransitions } from "../dialer/pending-transition.js";
import { PhoneLookup } from "../lookup/phone-lookup.js";
import { RecentActivityReader } from "../lookup/recent-activity.js";
import { phoneFieldsRead } from "../mapping/map-record.js";
import { Metrics } from "../observability/metrics.js";
import { AnswerStats } from "../outcomes/answer-stats.js";
import { DispositionStats } from "../outcomes/disposition-stats.js";
import { InboundCallService } from "../outcomes/inbound-call-service.js";
import { OutcomeLedger } from "../outcomes/outcome-ledger.js";
import { OutcomeService } from "../outcomes/outcome-service.js";
import { LastLeased } from "../queues/last-leased.js";
import { PhoneIndex } from "../queues/phone-index.js";
import { changeStreamPositionsKey, followCrmChanges } from "../sync/change-stream.js";
import { ChangeStreamLeader } from "../sync/change-stream-leader.js";
import type { CrmChangeTargets } from "../sync/crm-changes.js";
import { SyncScheduler } from "../sync/scheduler.js";
import { SyncTrigger } from "../sync/trigger.js";
import { DeadLetterQueue } from "../writeback/dead-letter.js";
import { OutboxRelay, WritebackOutbox } from "../writeback/outbox-relay.js";
import { WritebackIntake } from "../writeback/outcome-intake.js";
import { OutcomeNotifier } from "../writeback/outcome-notifier.js";
import { campaignScripts } from "../writeback/to-activity.js";
import { WritebackWorker, type WritebackWorkerOptions } from "../writeback/writeback-worker.js";
import { adminDependencies } from "./admin-dependencies.js";
import type { Telesync } from "./telesync.js";

export type Role = "api" | "worker" | "all";

export interface ServiceOptions {
  role?: Role;
  /** Listen for HTTP (api/all roles). Library users that only lease in-process set false. */
  listen?: boolean;
  /** Override the config's port (0 = any free port). */
  port?: number;
  /** Run source schedulers in this process (worker/all roles). */
  schedule?: boolean;
  writeback?: WritebackWorkerOptions;
  /**
   * The lease-time gate. Default: telesync's compliance gate (unless `TelesyncOptions.compliance` is
   * false). A function replaces it; `false` leases without one (tests of queue mechanics only).
   */
  gate?: LeaseGate | false;
  stalledIntervalMs?: number;
  /** How often each leased campaign's due holds are released (real ms; default 1000). */
  dueReleaseIntervalMs?: number;
  /** `/healthz` settings (when writeback counts as stuck). */
  health?: HealthOptions;
}

/**
 * A running telesync, the composition root's second half: it builds every stage of the API and
 * worker roles from `Telesync`'s parts, each with what it uses. The API role serves leases,
 * outcomes and consent; the worker role runs the scheduled syncs and the writeback. `close()` shuts
 * down in order: stop leasing, flush writeback.
 */
export class TelesyncService {
  readonly intake: WritebackIntake;
  readonly deadLetters: DeadLetterQueue;
  readonly consent: ConsentService;
  readonly leases: LeaseService;
  readonly outcomes: OutcomeService;
  /** Outcomes' lead moves, recorded at acceptance, applied once (see `LeadTransitions`). */
  readonly transitions: LeadTransitions;
  readonly inbound: InboundCallService;
  /** Signed webhooks to dialers when their outcomes are final (`api.outcomeWebhooks`). */
  readonly notifier: OutcomeNotifier;
  readonly metrics = new Metrics();
  readonly trigger: SyncTrigger;
  readonly writebackWorkers: WritebackWorker[] = [];
  /** Per integration, moving accepted outcomes' jobs from the outbox into the writeback queue. */
  private readonly outboxRelays: OutboxRelay[] = [];
  private scheduler: SyncScheduler | undefined;
  /** One candidate per integration with a change stream; the worker holding its lock follows it. */
  private readonly changeStreamLeaders: ChangeStreamLeader[] = [];
  api: FastifyInstance | undefined;
  url: string | undefined;
  /** Which lead was last leased per number: inbound attribution and screen pops read it. */
  private readonly lastLeased: LastLeased;

  private constructor(
    readonly telesync: Telesync,
    options: ServiceOptions,
  ) {
    const { config, redis, prefix, now, log, dialQueues, compliance } = telesync;
    this.intake = new WritebackIntake(redis, prefix);
    this.deadLetters = new DeadLetterQueue(redis, prefix);
    const integrations = Object.keys(config.integrations);
    this.consent = new ConsentService({
      suppression: new SuppressionList(redis, prefix),
      phones: new PhoneIndex(redis, prefix, telesync.keys.phones),
      ledger: new ConsentLedger(redis, prefix, telesync.keys.phones),
      leads: new LeadDirectory({
        integrations,
        sources: config.sources,
        dialQueues,
        membersOf: (sourceId, refs) => telesync.syncState(sourceId).leadKeysFor(refs),
      }),
      dialQueues,
      intake: this.intake,
      integrations,
      now,
    });
    this.trigger = new SyncTrigger({ redis, prefix, sources: config.sources });
    const lastLeased = new LastLeased(redis, prefix, telesync.keys.phones);
    this.lastLeased = lastLeased;
    const ledger = new OutcomeLedger(redis, prefix);
    const transitions = new LeadTransitions({ redis, prefix, dialQueues, consent: this.consent, now });
    this.transitions = transitions;
    const gate =
      options.gate === undefined
        ? telesync.complianceEnforced
          ? compliance.leaseGate
          : undefined
        : options.gate || undefined;
    this.leases = new LeaseService({
      campaigns: config.campaigns,
      dialQueues,
      suppression: this.consent.suppression,
      abandonment: compliance.abandonmentGuard,
      gate,
      caps: telesync.complianceEnforced ? compliance.leaseCaps : undefined,
      redisUrl: config.redis.url,
      redisCluster: config.redis.cluster,
      prefix,
      now,
      log,
      lastLeased,
      transitions,
      stalledIntervalMs: options.stalledIntervalMs,
      dueReleaseIntervalMs: options.dueReleaseIntervalMs,
    });
    this.outcomes = new OutcomeService({
      leases: this.leases,
      dialQueues,
      ledger,
      intake: this.intake,
      receipts: this.intake.receipts,
      outbox: new WritebackOutbox(prefix),
      transitions,
      stats: new DispositionStats(redis, prefix),
      attempts: compliance.attempts,
      abandonment: compliance.abandonmentGuard,
      caps: compliance.leaseCaps,
      answers: new AnswerStats(redis, prefix),
      onFlag: async (flag) => {
        this.metrics.complianceFlags.inc({ campaign: flag.campaign, kind: flag.kind });
        log.warn({ campaign: flag.campaign, outcomeId: flag.outcomeId, kind: flag.kind }, flag.message);
        await compliance.decisions.record([
          {
            leadKey: flag.leadKey,
            record: {
              at: now().toISOString(),
              stage: "outcome",
              campaign: flag.campaign,
              decision: "flag",
              reason: flag.message,
              rule: { id: "lease.not-after", version: "lease" },
              evidence: { detail: `started ${flag.startedAt}, notAfter ${flag.notAfter}` },
              zones: [],
              jurisdictions: [],
            },
          },
        ]);
      },
      now,
    });
    this.notifier = new OutcomeNotifier({
      redis,
      prefix,
      hooks: config.api.outcomeWebhooks,
      receipts: this.intake.receipts,
      log,
    });
    this.inbound = new InboundCallService({
      dialQueues,
      phones: new PhoneIndex(redis, prefix, telesync.keys.phones),
      lastLeased,
      ledger,
      intake: this.intake,
      receipts: this.intake.receipts,
      consent: this.consent,
      integrations: Object.keys(config.integrations),
      settings: {
        attributionWindowMs: config.inbound.attributionWindow,
        policy: config.inbound.policy,
        createLead: config.inbound.createLead,
      },
      now,
    });
  }

  static async start(telesync: Telesync, options: ServiceOptions = {}): Promise<TelesyncService> {
    const role = options.role ?? "all";
    const service = new TelesyncService(telesync, options);
    const { config, redis, prefix, log } = telesync;
    telesync.onCrmRequest = (integration, outcome) =>
      service.metrics.crmRequests.inc({ integration, outcome });
    if (role !== "api") {
      for (const [integrationId, integration] of Object.entries(config.integrations)) {
        service.writebackWorkers.push(
          new WritebackWorker(
            {
              integrationId,
              integration,
              scripts: campaignScripts(config.campaigns),
              connector: telesync.connector(integrationId),
              deadLetters: service.deadLetters,
              receipts: service.intake.receipts,
              onFinal: (outcomeId) => service.notifier.final(outcomeId),
              onBatch: (kind, size) =>
                service.metrics.writebackBatchSize.observe({ integration: integrationId, kind }, size),
              isLatestChange: (appointmentId, changeId) =>
                service.intake.isLatestChange(appointmentId, changeId),
              redis,
              redisUrl: config.redis.url,
              redisCluster: config.redis.cluster,
              prefix,
              log,
            },
            options.writeback,
          ),
        );
        // Where the writeback runs: an outcome waits for a worker either way.
        const relay = { integrationId, redis, target: config.redis, prefix, intake: service.intake, log };
        service.outboxRelays.push(new OutboxRelay(relay));
      }
      if (config.api.outcomeWebhooks.length > 0) service.notifier.start(config.redis);
      if (options.schedule !== false) {
        service.scheduler = new SyncScheduler({
          redis,
          redisUrl: config.redis.url,
          redisCluster: config.redis.cluster,
          prefix,
          sources: config.sources,
          sync: (sourceId) => telesync.sync(sourceId),
          log,
        });
        await service.scheduler.reconcile();
        service.scheduler.startWorker();
      }
      await service.followChangeStreams();
    }
    if (role !== "worker" && options.listen !== false) {
      service.api = await buildApi({
        config,
        log,
        now: telesync.now,
        redis,
        prefix,
        dialQueues: telesync.dialQueues,
        leases: service.leases,
        outcomes: service.outcomes,
        consent: service.consent,
        inbound: service.inbound,
        receipts: service.intake.receipts,
        notifier: service.notifier,
        abandonment: telesync.compliance.abandonment,
        decisions: telesync.compliance.decisions,
        nextCallable: new NextCallableQuery({ redis, prefix, decisions: telesync.compliance.decisions }),
        syncHistory: (sourceId, limit) => telesync.syncState(sourceId).history(limit),
        connector: (integrationId) => telesync.connector(integrationId),
        intake: service.intake,
        deadLetters: service.deadLetters,
        metrics: service.metrics,
        trigger: service.trigger,
        ...(options.health ? { health: options.health } : {}),
        lookup: service.phoneLookup(),
        plugins: [
          webhookRoutes({ telesync, consent: service.consent, trigger: service.trigger }),
          adminPlugin(adminDependencies(telesync, service)),
        ],
      });
      const { host, port } = config.api;
      service.url = await service.api.listen({ host, port: options.port ?? port });
    }
    return service;
  }

  /**
   * Stand for the change stream of each integration whose connector streams changes (worker role):
   * one worker among all holds its leader lock and follows it (`ChangeStreamLeader`); the others
   * take over when it stops. One that cannot start is logged and left to the scheduled pulls, which
   * carry every integration anyway.
   */
  private async followChangeStreams(): Promise<void> {
    const { config, redis, prefix, log } = this.telesync;
    for (const integrationId of Object.keys(config.integrations)) {
      const sources = config.sources.filter((s) => s.integration === integrationId);
      const connector = this.telesync.connector(integrationId);
      if (!connector.subscribeChanges || sources.length === 0) continue;
      const leader = new ChangeStreamLeader({
        redis,
        integrationId,
        positionsKey: changeStreamPositionsKey(prefix, integrationId),
        ttlMs: config.sync.changeStreamLockTtl,
        follow: (positions) =>
          followCrmChanges({
            connector,
            selects: sources.map((s) => s.select),
            positions,
            targets: this.crmChangeTargets(integrationId),
            log,
          }),
        log,
      });
      this.changeStreamLeaders.push(leader);
      await leader.start();
    }
  }

  /** Where an integration's CRM change events land (as for its webhooks). */
  private crmChangeTargets(integrationId: string): CrmChangeTargets {
    const telesync = this.telesync;
    return {
      integrationId,
      sourceIds: telesync.config.sources.filter((s) => s.integration === integrationId).map((s) => s.id),
      removeLead: (leadKey) => telesync.dialQueues.removeLead(leadKey),
      optOut: async (leadKey) => {
        // The CRM already says do-not-call: nothing to write back.
        await this.consent.apply({ leadKey, status: "opted_out", source: "crm" }, { writeToCrm: false });
      },
      syncRecords: (sourceId, objectType, crmIds) => telesync.syncRecords(sourceId, objectType, crmIds),
      triggerSync: (sourceId) => this.trigger.trigger(sourceId),
    };
  }

  /** Screen pop over every integration whose connector can search by phone. */
  phoneLookup(): PhoneLookup {
    const { config, redis, prefix, dialQueues } = this.telesync;
    return new PhoneLookup({
      redis,
      prefix,
      defaultCountry: Object.values(config.mappings)[0]?.defaultCountry ?? "US",
      connectors: Object.keys(config.integrations).map((integrationId) => ({
        integrationId,
        connector: this.telesync.connector(integrationId),
        sources: config.sources
          .filter((source) => source.integration === integrationId)
          .map((source) => {
            const mapping = ownEntry(config.mappings, source.mapping);
            return { select: source.select, phoneFields: mapping ? phoneFieldsRead(mapping) : [] };
          }),
      })),
      dialQueues,
      suppression: this.consent.suppression,
      recentActivity: new RecentActivityReader({
        attempts: this.telesync.compliance.attempts,
        receipts: this.intake.receipts,
        lastLeased: this.lastLeased,
        now: this.telesync.now,
      }),
    });
  }

  /** Replay a dead letter into its integration's writeback queue. */
  replayDeadLetter(id: string): Promise<boolean> {
    return this.deadLetters.replay(id, (job, replayId) => this.intake.requeue(job, replayId));
  }

  /** The CRM change streams this worker follows now (Salesforce Change Data Capture): those it leads. */
  get changeStreams(): ChangeStream[] {
    return this.changeStreamLeaders.flatMap((leader) => (leader.current ? [leader.current] : []));
  }

  async close(): Promise<void> {
    await this.api?.close();
    await this.leases.close();
    await Promise.all(this.changeStreamLeaders.map((leader) => leader.close()));
    await this.scheduler?.close();
    await Promise.all(this.outboxRelays.map((r) => r.close()));
    await Promise.all(this.writebackWorkers.map((w) => w.close()));
    await this.notifier.close();
    await this.intake.close();
    await this.deadLetters.close();
    await this.trigger.close();
  }
}
