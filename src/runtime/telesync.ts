import type { Redis } from "ioredis";
import { createConnector } from "../../connectors/index.js";
import type { CrmConnector } from "../../connectors/types.js";
import { ComplianceGate } from "../compliance-gate/compliance-gate.js";
import type { SourceConfig, TelesyncConfig } from "../config/schema.js";
import { type Logger, silentLogger } from "../observability/logger.js";
import { createRedis } from "../queues/connection.js";
import { DialQueue } from "../queues/dial-queue.js";
import { runSync, type SyncOptions, type SyncReport } from "../sync/run-sync.js";
import { SyncState } from "../sync/sync-state.js";
import { RedisRateLimiter } from "./redis-rate-limiter.js";
import { RedisTokenStore } from "./redis-token-store.js";

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
}

/**
 * One process's view of telesync: a Redis connection, a connector per integration and a queue per
 * campaign, created on first use and closed together.
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
  private readonly connectors = new Map<string, CrmConnector>();
  private readonly dialQueues = new Map<string, DialQueue>();
  private readonly tokens: RedisTokenStore;
  private readonly rateLimiter: RedisRateLimiter;

  constructor(options: TelesyncOptions) {
    this.config = options.config;
    this.log = options.log ?? silentLogger();
    this.now = options.now ?? (() => new Date());
    this.prefix = this.config.redis.prefix;
    // Shared with the HTTP path: fails fast when Redis is away (workers have their own connections).
    this.redis = createRedis(this.config.redis.url, "producer");
    this.tokens = new RedisTokenStore(this.redis, this.prefix);
    this.rateLimiter = new RedisRateLimiter(this.redis, this.prefix);
    this.compliance = new ComplianceGate({
      redis: this.redis,
      prefix: this.prefix,
      config: this.config,
      now: () => this.now(),
    });
    this.complianceEnforced = options.compliance !== false;
  }

  connector(integrationId: string): CrmConnector {
    let connector = this.connectors.get(integrationId);
    if (!connector) {
      const config = this.config.integrations[integrationId];
      if (!config) throw new Error(`unknown integration "${integrationId}"`);
      connector = createConnector(config, {
        integrationId,
        tokens: this.tokens,
        rateLimiter: this.rateLimiter,
        log: this.log.child({ integration: integrationId }),
        now: () => this.now().getTime(),
      });
      this.connectors.set(integrationId, connector);
    }
    return connector;
  }

  dialQueue(campaign: string): DialQueue {
    let queue = this.dialQueues.get(campaign);
    if (!queue) {
      if (!this.config.campaigns[campaign]) throw new Error(`unknown campaign "${campaign}"`);
      queue = new DialQueue(campaign, this.redis, this.prefix, () => this.now());
      this.dialQueues.set(campaign, queue);
    }
    return queue;
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

  /** Take a lead out of every campaign queue (deleted or merged away in the CRM); returns jobs removed. */
  async removeLead(leadKey: string): Promise<number> {
    let removed = 0;
    for (const campaign of Object.keys(this.config.campaigns))
      removed += await this.dialQueue(campaign).remove([leadKey]);
    return removed;
  }

  /** Pull one source now into its campaign queue. */
  async sync(sourceId: string, options: SyncOptions = {}): Promise<SyncReport> {
    const source = this.source(sourceId);
    const mapping = this.config.mappings[source.mapping];
    if (!mapping) throw new Error(`unknown mapping "${source.mapping}"`);
    const report = await runSync(
      {
        source,
        connector: this.connector(source.integration),
        mapping,
        state: this.syncState(source.id),
        queue: this.dialQueue(source.campaign),
        bulkSize: this.config.sync.bulkSize,
        lockTtlMs: this.config.sync.lockTtl,
        ...(this.complianceEnforced ? { gate: this.compliance } : {}),
        now: () => this.now(),
      },
      options,
    );
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
    await Promise.allSettled([...this.dialQueues.values()].map((q) => q.close()));
    this.redis.disconnect();
  }
}

/** Library entry point: `import { createTelesync } from "telesync"`. */
export function createTelesync(options: TelesyncOptions): Telesync {
  return new Telesync(options);
}
