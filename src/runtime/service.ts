import type { FastifyInstance } from "fastify";
import type { HealthOptions } from "../api/health.js";
import { hubspotWebhookRoutes } from "../api/routes/hubspot-webhooks.js";
import { buildApi } from "../api/server.js";
import { ConsentService } from "../consent/consent-service.js";
import { type LeaseGate, LeaseService } from "../dialer/lease-service.js";
import { Metrics } from "../observability/metrics.js";
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
  /** The lease service's clock. Default: telesync's (`TelesyncOptions.now`). */
  now?: () => Date;
  stalledIntervalMs?: number;
  /** `/healthz` settings (when writeback counts as stuck). */
  health?: HealthOptions;
}

/**
 * A running telesync: the API role serves leases, outcomes and consent; the worker role runs the
 * scheduled syncs and the writeback. `close()` shuts down in order: stop leasing, flush writeback.
 */
export class TelesyncService {
  readonly intake: WritebackIntake;
  readonly deadLetters: DeadLetterQueue;
  readonly consent: ConsentService;
  readonly leases: LeaseService;
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
    this.intake = new WritebackIntake(telesync.redis, telesync.prefix);
    this.deadLetters = new DeadLetterQueue(telesync.redis, telesync.prefix);
    this.consent = new ConsentService(telesync, this.intake);
    this.trigger = new SyncTrigger(telesync);
    const gate =
      options.gate === undefined
        ? telesync.complianceEnforced
          ? telesync.compliance.leaseGate
          : undefined
        : options.gate || undefined;
    this.leases = new LeaseService(telesync, {
      consent: this.consent,
      intake: this.intake,
      ...(gate ? { gate } : {}),
      ...(options.now ? { now: options.now } : {}),
      ...(options.stalledIntervalMs ? { stalledIntervalMs: options.stalledIntervalMs } : {}),
    });
  }

  static async start(telesync: Telesync, options: ServiceOptions = {}): Promise<TelesyncService> {
    const role = options.role ?? "all";
    const service = new TelesyncService(telesync, options);
    if (role !== "api") {
      for (const integration of Object.keys(telesync.config.integrations)) {
        service.writebackWorkers.push(
          new WritebackWorker(telesync, integration, service.deadLetters, options.writeback),
        );
      }
      if (options.schedule !== false) {
        service.scheduler = new SyncScheduler(telesync);
        await service.scheduler.reconcile();
        service.scheduler.startWorker();
      }
    }
    if (role !== "worker" && options.listen !== false) {
      service.api = await buildApi({
        telesync,
        leases: service.leases,
        consent: service.consent,
        intake: service.intake,
        deadLetters: service.deadLetters,
        metrics: service.metrics,
        trigger: service.trigger,
        ...(options.health ? { health: options.health } : {}),
        plugins: [hubspotWebhookRoutes({ telesync, consent: service.consent, trigger: service.trigger })],
      });
      const { host, port } = telesync.config.api;
      service.url = await service.api.listen({ host, port: options.port ?? port });
    }
    return service;
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
