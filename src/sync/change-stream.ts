import type { ChangeStream, ChangeStreamPositions, CrmConnector } from "../../connectors/types.js";
import type { Logger } from "../observability/logger.js";
import type { Redis } from "../queues/connection.js";
import { redisKeys } from "../queues/keys.js";
import { applyCrmChanges, type CrmChangeTargets } from "./crm-changes.js";

/** The hash of an integration's change-stream positions (channel → last applied replay id). */
export function changeStreamPositionsKey(prefix: string, integrationId: string): string {
  return redisKeys(prefix).changeStream(integrationId);
}

/**
 * A change stream's positions in one Redis hash per integration (`change-stream:<integration>`,
 * channel → position), so a restart resumes where the last applied event left off.
 */
export class RedisChangeStreamPositions implements ChangeStreamPositions {
  private readonly key: string;

  constructor(
    private readonly redis: Pick<Redis, "hget" | "hset">,
    prefix: string,
    integrationId: string,
  ) {
    this.key = changeStreamPositionsKey(prefix, integrationId);
  }

  async get(channel: string): Promise<string | undefined> {
    return (await this.redis.hget(this.key, channel)) ?? undefined;
  }

  async set(channel: string, position: string): Promise<void> {
    await this.redis.hset(this.key, channel, position);
  }
}

export interface CrmChangeFollowerDependencies {
  connector: Pick<CrmConnector, "subscribeChanges">;
  /** The `select` blocks of the integration's sources. */
  selects: unknown[];
  positions: ChangeStreamPositions;
  /** Where the changes land, as for webhooks; `triggerSync` is the catch-up pull. */
  targets: CrmChangeTargets;
  log: Pick<Logger, "info" | "warn">;
}

/**
 * Follow an integration's change stream, when its connector has one and is set up for it: each
 * batch of canonical events goes through `applyCrmChanges` (opt-outs suppress at once, deletions
 * dequeue, edits re-read the records); a gap asks every source of the integration to pull.
 * Returns undefined when the integration has no stream (the scheduled pulls then carry it alone).
 */
export async function followCrmChanges(
  deps: CrmChangeFollowerDependencies,
): Promise<ChangeStream | undefined> {
  const { connector, targets, log } = deps;
  if (!connector.subscribeChanges || deps.selects.length === 0) return undefined;
  return connector.subscribeChanges({
    selects: deps.selects,
    positions: deps.positions,
    onChanges: async (events) => {
      const effects = await applyCrmChanges(events, targets);
      log.info(
        { integration: targets.integrationId, events: events.length, ...effects },
        "crm change events applied",
      );
    },
    onGap: async (reason) => {
      log.warn({ integration: targets.integrationId, reason }, "change stream gap: pulling the sources");
      for (const sourceId of targets.sourceIds) await targets.triggerSync(sourceId);
    },
  });
}
