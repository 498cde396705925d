import { createHash } from "node:crypto";
import type { WriteLedger } from "../../connectors/types.js";
import type { Redis } from "../queues/connection.js";
import { redisKeys } from "../queues/keys.js";

/** How long a created activity id is remembered: as long as outcomeIds are deduplicated at intake. */
const CREATED_TTL_SECONDS = 30 * 24 * 3600;

/**
 * `WriteLedger` on Redis. Keys: `<prefix>:written:<integration>:<hash>` (activity id, 30 days) and
 * `<prefix>:sending:<integration>:<hash>` (PX = the inconclusive period, so Redis keeps the time).
 * Outcome ids are hashed: they come from dialers and should not shape key names.
 */
export class RedisWriteLedger implements WriteLedger {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(kind: "written" | "sending", integrationId: string, outcomeId: string): string {
    const hash = createHash("sha256").update(outcomeId).digest("base64url").slice(0, 27);
    return redisKeys(this.prefix).writeLedger(kind, integrationId, hash);
  }

  async recordCreated(integrationId: string, created: ReadonlyMap<string, string>): Promise<void> {
    if (created.size === 0) return;
    const pipeline = this.redis.pipeline();
    for (const [outcomeId, activityId] of created)
      pipeline.set(this.key("written", integrationId, outcomeId), activityId, "EX", CREATED_TTL_SECONDS);
    await execOrThrow(pipeline);
  }

  async created(integrationId: string, outcomeIds: readonly string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    if (outcomeIds.length === 0) return found;
    const values = await this.redis.mget(outcomeIds.map((id) => this.key("written", integrationId, id)));
    outcomeIds.forEach((id, i) => {
      const value = values[i];
      if (value) found.set(id, value);
    });
    return found;
  }

  async markSent(integrationId: string, outcomeIds: readonly string[], forMs: number): Promise<void> {
    if (outcomeIds.length === 0 || forMs <= 0) return;
    const pipeline = this.redis.pipeline();
    for (const id of outcomeIds)
      pipeline.set(this.key("sending", integrationId, id), "1", "PX", Math.ceil(forMs));
    await execOrThrow(pipeline);
  }

  async clearSent(integrationId: string, outcomeIds: readonly string[]): Promise<void> {
    if (outcomeIds.length === 0) return;
    await this.redis.del(...outcomeIds.map((id) => this.key("sending", integrationId, id)));
  }

  async recentlySent(integrationId: string, outcomeIds: readonly string[]): Promise<Set<string>> {
    if (outcomeIds.length === 0) return new Set();
    const values = await this.redis.mget(outcomeIds.map((id) => this.key("sending", integrationId, id)));
    return new Set(outcomeIds.filter((_, i) => values[i] !== null));
  }
}

async function execOrThrow(pipeline: ReturnType<Redis["pipeline"]>): Promise<void> {
  const results = (await pipeline.exec()) ?? [];
  const failed = results.find(([error]) => error);
  if (failed?.[0]) throw failed[0];
}
