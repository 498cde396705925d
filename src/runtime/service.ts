import type { FastifyInstance } from "fastify";
import type { AdminPluginDependencies } from "../admin/plugin.js";
import { adminPlugin } from "../admin/plugin.js";
import { bearerKeyChecker } from "../api/auth.js";
import { webhookRoutes } from "../api/routes/webhooks.js";
import { buildApi } from "../api/server.js";
import type { LeaseGate } from "../compliance-gate/lease-gate.js";
import { ConsentService } from "../consent/consent-service.js";
import { SuppressionList } from "../consent/suppression.js";
import { LeaseService } from "../dialer/lease-service.js";
import { PhoneLookup } from "../lookup/phone-lookup.js";
import { Metrics } from "../observability/metrics.js";
import { DispositionStats } from "../outcomes/disposition-stats.js";
import { OutcomeLedger } from "../outcomes/outcome-ledger.js";
import { OutcomeService } from "../outcomes/outcome-service.js";
import { PhoneIndex } from "../queues/phone-index.js";
import { SyncScheduler } from "../sync/scheduler.js";
import { SyncTrigger } from "../sync/trigger.js";
import { DeadLetterQueue } from "../writeback/dead-letter.js";
import { WritebackIntake } from "../writeback/outcome-intake.js";
import { WritebackWorker, type WritebackWorkerOptions } from "../writeback/writeback-worker.js";
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
  readonly metrics = new Metrics();
  readonly trigger: SyncTrigger;
  readonly writebackWorkers: WritebackWorker[] = [];
  private scheduler: SyncScheduler | undefined;
  api: FastifyInstance | undefined;
  url: string | undefined;

  private constructor(
    readonly telesync: Telesync,
    options: ServiceOptions,
  ) {
    const { config, redis, prefix, now, log, dialQueues, compliance } = telesync;
    this.intake = new WritebackIntake(redis, prefix);
    this.deadLetters = new DeadLetterQueue(redis, prefix);
    this.consent = new ConsentService({
      suppression: new SuppressionList(redis, prefix),
      phones: new PhoneIndex(redis, prefix),
      dialQueues,
      intake: this.intake,
      integrations: Object.keys(config.integrations),
      now,
    });
    this.trigger = new SyncTrigger({ redis, prefix, sources: config.sources });
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
      redisUrl: config.redis.url,
      prefix,
      now,
      log,
      stalledIntervalMs: options.stalledIntervalMs,
    });
    this.outcomes = new OutcomeService({
      leases: this.leases,
      dialQueues,
      ledger: new OutcomeLedger(redis, prefix),
      intake: this.intake,
      consent: this.consent,
      stats: new DispositionStats(redis, prefix),
      attempts: compliance.attempts,
      abandonment: compliance.abandonmentGuard,
      now,
    });
  }

  static async start(telesync: Telesync, options: ServiceOptions = {}): Promise<TelesyncService> {
    const role = options.role ?? "all";
    const service = new TelesyncService(telesync, options);
    const { config, redis, prefix, log } = telesync;
    if (role !== "api") {
      for (const [integrationId, integration] of Object.entries(config.integrations)) {
        service.writebackWorkers.push(
          new WritebackWorker(
            {
              integrationId,
              integration,
              connector: telesync.connector(integrationId),
              deadLetters: service.deadLetters,
              redis,
              redisUrl: config.redis.url,
              prefix,
              log,
            },
            options.writeback,
          ),
        );
      }
      if (options.schedule !== false) {
        service.scheduler = new SyncScheduler({
          redis,
          redisUrl: config.redis.url,
          prefix,
          sources: config.sources,
          sync: (sourceId) => telesync.sync(sourceId),
          log,
        });
        await service.scheduler.reconcile();
        service.scheduler.startWorker();
      }
    }
    if (role !== "worker" && options.listen !== false) {
      service.api = await buildApi({
        config,
        log,
        now: telesync.now,
        redis,
        dialQueues: telesync.dialQueues,
        leases: service.leases,
        outcomes: service.outcomes,
        consent: service.consent,
        abandonment: telesync.compliance.abandonment,
        decisions: telesync.compliance.decisions,
        syncHistory: (sourceId, limit) => telesync.syncState(sourceId).history(limit),
        connector: (integrationId) => telesync.connector(integrationId),
        intake: service.intake,
        deadLetters: service.deadLetters,
        metrics: service.metrics,
        trigger: service.trigger,
        lookup: service.phoneLookup(),
        plugins: [
          webhookRoutes({ telesync, consent: service.consent, trigger: service.trigger }),
          adminPlugin(service.adminDependencies()),
        ],
      });
      const { host, port } = config.api;
      service.url = await service.api.listen({ host, port: options.port ?? port });
    }
    return service;
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
      })),
      dialQueues,
      suppression: this.consent.suppression,
    });
  }

  /** What the admin page reads and may change. */
  private adminDependencies(): AdminPluginDependencies {
    const telesync = this.telesync;
    const isKey = bearerKeyChecker(telesync.config.api.keys);
    return {
      config: telesync.config,
      redis: telesync.redis,
      prefix: telesync.prefix,
      now: () => telesync.now(),
      dialQueue: (campaign) => telesync.dialQueues.get(campaign).queue,
      writebackQueue: (integration) => this.intake.queue(integration),
      connector: (integration) => telesync.connector(integration),
      syncRuns: (sourceId, limit) => telesync.syncState(sourceId).history(limit),
      triggerSync: (sourceId) => this.trigger.trigger(sourceId),
      decide: (leads, campaign, now) => telesync.compliance.decide(leads, campaign, now),
      decisions: (leadKey) => telesync.compliance.decisions.read(leadKey),
      dispositionCounts: (campaign) => this.outcomes.dispositionCounts(campaign),
      deadLetters: {
        list: (start, end) => this.deadLetters.list(start, end),
        count: () => this.deadLetters.count(),
        replay: (id) => this.replayDeadLetter(id),
        discard: (id) => this.deadLetters.discard(id),
      },
      // Until API keys carry scopes, every configured key may administer.
      adminKeyName: (key) => (isKey(`Bearer ${key}`) ? "api-key" : undefined),
      queues: () => [
        ...Object.keys(telesync.config.campaigns).map((c) => telesync.dialQueues.get(c).queue),
        ...Object.keys(telesync.config.integrations).map((i) => this.intake.queue(i)),
        this.deadLetters.queue,
      ],
    };
  }

  /** Replay a dead letter into its integration's writeback queue. */
  replayDeadLetter(id: string): Promise<boolean> {
    return this.deadLetters.replay(id, (job, replayId) => this.intake.requeue(job, replayId));
  }

  async close(): Promise<void> {
    await this.api?.close();
    await this.leases.close();
    await this.scheduler?.close();
    await Promise.all(this.writebackWorkers.map((w) => w.close()));
    await this.intake.close();
    await this.deadLetters.close();
    await this.trigger.close();
  }
}
