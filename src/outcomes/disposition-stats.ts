import type { Redis } from "../queues/connection.js";
import { redisKeys } from "../queues/keys.js";
import type { RedisWrites } from "../queues/redis-writes.js";

/** Why an accepted outcome was flagged: its call started after the lease's `notAfter`. */
export type ComplianceFlagKind = "startedAfterNotAfter";

/** Outcomes per disposition per campaign (`stats:<campaign>:dispositions`), for the stats endpoint. */
export class DispositionStats {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  key(campaign: string): string {
    return redisKeys(this.prefix).campaignStats(campaign, "dispositions");
  }

  /** Count an outcome (in the caller's pipeline, with the outcome's other counters). */
  record(pipeline: RedisWrites, campaign: string, disposition: string): void {
    pipeline.hincrby(this.key(campaign), disposition, 1);
  }

  private flagsKey(campaign: string): string {
    return redisKeys(this.prefix).campaignStats(campaign, "compliance-flags");
  }

  /** Count an outcome flagged by compliance (same pipeline), per kind of flag. */
  recordFlag(pipeline: RedisWrites, campaign: string, kind: ComplianceFlagKind): void {
    pipeline.hincrby(this.flagsKey(campaign), kind, 1);
  }

  async flagCounts(campaign: string): Promise<Partial<Record<ComplianceFlagKind, number>>> {
    const raw = await this.redis.hgetall(this.flagsKey(campaign));
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Number(v)]));
  }

  async counts(campaign: string): Promise<Record<string, number>> {
    const raw = await this.redis.hgetall(this.key(campaign));
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Number(v)]));
  }
}
