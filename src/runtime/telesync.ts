import { createConnector } from "../../connectors/index.js";
import type { CrmConnector, RequestMeter } from "../../connectors/types.js";
import { ComplianceGate } from "../compliance-gate/compliance-gate.js";
import { ownEntry } from "../config/lookup.js";
import type { SourceConfig, TelesyncConfig } from "../config/schema.js";
import { type Logger, silentLogger } from "../observability/logger.js";
import type { Redis } from "../queues/connection.js";
import { createRedis } from "../queues/connection.js";
import { DialQueueRegistry } from "../queues/dial-queue-registry.js";
import { type SecurityKeys, securityKeysFromEnv } from "../security/security-keys.js";
import { runSync, type SyncDependencies, type SyncOptions, type SyncReport } from "../sync/run-sync.js";
import { type SyncRecordsResult, syncRecords } from "../sync/sync-records.js";
import { SyncState } from "../sync/sync-state.js";
import { RedisRateLimiter } from "./redis-rate-limiter.js";
import { RedisTokenStore } from "./redis-token-store.js";
import { RedisWriteLedger } from "./redis-write-ledger.js";

export interface TelesyncOptions {
  config: TelesyncConfig;
  log?: Logger;
  /** The clock; tests and simulations drive it. Default: the system clock. */
  now?: () => Date;
  /**
   * Apply the compliance gate at sync time and (as the default lease gate of `TelesyncService`) at
   * lease time. Default true. Off only for tests and benchmarks of queue mechanics: attempts and
   * abandonment are still counted, but no lead is held or blocked.
   */
  compliance?: boolean;
  /**
   * Keys for data at rest (tokens sealed in Redis, phone numbers hashed in key names). Default: read
   * from the environment (`TELESYNC_ENCRYPTION_KEY`, `TELESYNC_HASH_KEY`); outside production a
   * missing one falls back to a published development key, logged as a warning.
   */
  keys?: SecurityKeys;
}

/**
 * The composition root's first half, one process's view of telesync: a Redis connection, one clock,
 * a connector per integration and a dial queue per campaign (created on first use, closed together),
 * and the compliance gate. It builds each stage with what that stage uses (`sync` here, leasing,
 * outcomes, consent and writeback in `TelesyncService`); no stage imports this file.
 */
export class Telesync {
  readonly config: TelesyncConfig;
  readonly log: Logger;
  readonly redis: Redis;
  readonly prefix: string;
  readonly now: () => Date;
  /** The compliance gate on this process's Redis and clock, with its counters and audit trail. */
  readonly compliance: ComplianceGate;
  /** Whether the gate holds and blocks leads (`TelesyncOptions.compliance`). */
  readonly complianceEnforced: boolean;
  /** Every campaign's dial queue. */
  readonly dialQueues: DialQueueRegistry;
  readonly keys: SecurityKeys;
  /**
   * Told every CRM request's outcome, per integration (the service counts them for `/metrics`);
   * connectors built before it is set report to it too.
   */
  onCrmRequest: ((integrationId: string, outcome: Parameters<RequestMeter>[0]) => void) | undefined;
  private readonly connectors = new Map<string, CrmConnector>();
  private readonly tokens: RedisTokenStore;
  private readonly rateLimiter: RedisRateLimiter;
  private readonly writeLedger: RedisWriteLedger;

  constructor(options: TelesyncOptions) {
    this.config = options.config;
    this.log = options.log ?? silentLogger();
    this.now = options.now ?? (() => new Date());
    this.prefix = this.config.redis.prefix;
    this.keys = options.keys ?? securityKeysFromEnv(process.env);
    if (this.keys.developmentDefaults.length > 0) {
      this.log.warn(
        { variables: this.keys.developmentDefaults },
        "development keys in use for data at rest (not set in the environment): never in production",
      );
    }
    // Shared with the HTTP path: fails fast when Redis is away (workers have their own connections).
    this.redis = createRedis(this.config.redis, "producer");
    this.tokens = new RedisTokenStore(this.redis, this.prefix, this.keys.tokens);
    this.rateLimiter = new RedisRateLimiter(this.redis, this.prefix);
    this.writeLedger = new RedisWriteLedger(this.redis, this.prefix);
    this.compliance = new ComplianceGate({
      redis: this.redis,
      prefix: this.prefix,
      campaigns: this.config.campaigns,
      phoneKeys: this.keys.phones,
      now: this.now,
    });
    this.complianceEnforced = options.compliance !== false;
    this.dialQueues = new DialQueueRegistry({
      redis: this.redis,
      prefix: this.prefix,
      campaigns: Object.keys(this.config.campaigns),
      phoneKeys: this.keys.phones,
      now: this.now,
    });
  }

  connector(integrationId: string): CrmConnector {
    let connector = this.connectors.get(integrationId);
    if (!connector) {
      const config = ownEntry(this.config.integrations, integrationId);
      if (!config) throw new Error(`unknown integration "${integrationId}"`);
      connector = createConnector(config, {
        integrationId,
        tokens: this.tokens,
        rateLimiter: this.rateLimiter,
        writeLedger: this.writeLedger,
        log: this.log.child({ integration: integrationId }),
        now: () => this.now().getTime(),
        meter: (outcome) => this.onCrmRequest?.(integrationId, outcome),
      });
      this.connectors.set(integrationId, connector);
    }
    return connector;
  }

  source(sourceId: string): SourceConfig {
    const source = this.config.sources.find((s) => s.id === sourceId);
    if (!source) {
      const known = this.config.sources.map((s) => s.id).join(", ") || "none";
      throw new Error(`unknown source "${sourceId}" (configured: ${known})`);
    }
    return source;
  }

  syncState(sourceId: string): SyncState {
    return new SyncState(this.redis, this.prefix, sourceId);
  }

  private syncDependencies(sourceId: string): SyncDependencies {
    const source = this.source(sourceId);
    const mapping = ownEntry(this.config.mappings, source.mapping);
    if (!mapping) throw new Error(`unknown mapping "${source.mapping}"`);
    return {
      source,
      connector: this.connector(source.integration),
      mapping,
      state: this.syncState(source.id),
      queue: this.dialQueues.get(source.campaign),
      bulkSize: this.config.sync.bulkSize,
      lockTtlMs: this.config.sync.lockTtl,
      ...(this.complianceEnforced ? { gate: this.compliance } : {}),
      now: this.now,
    };
  }

  /** Re-read a few records of a source now (the CRM said they changed), without a whole pull. */
  syncRecords(sourceId: string, objectType: string, crmIds: string[]): Promise<SyncRecordsResult> {
    return syncRecords(this.syncDependencies(sourceId), objectType, crmIds);
  }

  /** Pull one source now into its campaign queue. */
  async sync(sourceId: string, options: SyncOptions = {}): Promise<SyncReport> {
    const deps = this.syncDependencies(sourceId);
    const { source } = deps;
    const report = await runSync(deps, options);
    this.log.info(
      {
        source: source.id,
        pages: report.pages,
        added: report.added,
        updated: report.updated,
        removed: report.removed,
        held: report.held,
        blocked: report.blocked,
      },
      "sync finished",
    );
    return report;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.connectors.values()].map((c) => c.close()));
    await this.dialQueues.close();
    this.redis.disconnect();
  }
}

/** Library entry point: `import { createTelesync } from "telesync"`. */
export function createTelesync(options: TelesyncOptions): Telesync {
  return new Telesync(options);
}
