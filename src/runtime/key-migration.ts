import { Redis } from "ioredis";
import { createRedis, type RedisTarget } from "../queues/connection.js";
import { RedisKeys, slotTags } from "../queues/keys.js";

/**
 * BullMQ queues: not copied (dial queues, with their due indexes `dial-due:<campaign>`, are rebuilt
 * by a sync; the others must be empty).
 */
const queueName = /^(dial-[^:]+|sync|writeback-[^:]+|dead-letter|outcome-notify):/;
/** A queue's lists of jobs still to do: the migration waits until they are empty. */
const pendingJobs = /^(writeback-[^:]+|dead-letter|outcome-notify):(wait|active|delayed|paused|prioritized)$/;

/**
 * The hash tag a key name (after the prefix) belongs to in the tagged layout, per
 * `src/queues/keys.ts`; undefined for BullMQ queue keys and due indexes (rebuilt by a sync). Ids (campaign, integration, source) never
 * hold `:`, so the first segments say which family and whose.
 */
export function tagOfName(name: string): string | undefined {
  if (queueName.test(name)) return undefined;
  const [family = "", first = ""] = name.split(":");
  switch (family) {
    case "stats":
    case "abandonment":
      return slotTags.campaign(first);
    case "breaker":
    case "token":
    case "change-stream":
    case "webhook-seen":
    case "written":
    case "sending":
      return slotTags.integration(first);
    case "rl":
    case "rl-pause":
    case "rl-learned":
      return slotTags.rateBucket(name.slice(family.length + 1));
    case "source":
      return slotTags.source(first);
    case "dnc":
      return slotTags.doNotCall;
    case "phone-jobs":
    case "phone-last-lease":
      return slotTags.phones;
    case "attempts":
      return slotTags.attempts;
    case "outcome-seen":
    case "outcome-counted":
    case "receipt":
      return slotTags.outcomes;
    case "consent":
      return slotTags.consent;
    case "decisions":
      return slotTags.decisions;
    case "compliance":
      return slotTags.compliance;
    case "registry":
      return slotTags.registry;
    case "lookup":
    case "lookup-hash-key":
      return slotTags.lookup;
    case "admin-session":
      return slotTags.admin;
    default:
      throw new Error(`a key telesync does not know: "${name}" (nothing was copied)`);
  }
}

export interface MigrationReport {
  copied: number;
  /** BullMQ queue keys left behind (dial queues: run every source's sync on the new layout). */
  queueKeysSkipped: number;
}

async function scanAll(redis: Redis, match: string, each: (keys: string[]) => Promise<void>): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", match, "COUNT", 500);
    cursor = next;
    if (keys.length > 0) await each(keys);
  } while (cursor !== "0");
}

/**
 * Copy every key of a single-slot deployment (`from`, a hash-tagged prefix on one Redis) to the
 * tagged layout (`to`, a prefix without a tag, on a Redis or a Redis Cluster) with DUMP/RESTORE,
 * keeping each key's remaining TTL. BullMQ queues are not copied: the writeback, dead-letter and
 * notify queues must be empty first (the migration refuses otherwise), dial queues are rebuilt by
 * a sync. A key already present at the target is an error (nothing is overwritten).
 */
export async function migrateKeyLayout(
  from: { url: string; prefix: string },
  to: RedisTarget & { prefix: string },
): Promise<MigrationReport> {
  const source = new RedisKeys(from.prefix);
  const target = new RedisKeys(to.prefix);
  if (!source.singleSlot || target.singleSlot) {
    throw new Error(
      `migrates from a hash-tagged prefix (e.g. {telesync}) to one without (e.g. telesync); got "${from.prefix}" → "${to.prefix}"`,
    );
  }
  const reader = new Redis(from.url, { maxRetriesPerRequest: 1 });
  reader.on("error", () => {});
  const writer = createRedis(to, "producer");
  const report: MigrationReport = { copied: 0, queueKeysSkipped: 0 };
  const lead = `${from.prefix}:`;
  try {
    await scanAll(reader, `${from.prefix}:*`, async (keys) => {
      for (const key of keys) {
        const name = key.slice(lead.length);
        if (!pendingJobs.test(name)) continue;
        const type = await reader.type(key);
        const size = type === "list" ? await reader.llen(key) : type === "zset" ? await reader.zcard(key) : 0;
        if (size > 0)
          throw new Error(
            `${key} holds ${size} jobs: let the writeback drain and handle the dead letters (telesync dlq) before migrating`,
          );
      }
    });
    await scanAll(reader, `${from.prefix}:*`, async (keys) => {
      for (const key of keys) {
        const name = key.slice(lead.length);
        const tag = tagOfName(name);
        if (tag === undefined) {
          report.queueKeysSkipped++;
          continue;
        }
        const [dump, ttl] = await Promise.all([reader.dumpBuffer(key), reader.pttl(key)]);
        if (dump === null) continue; // expired meanwhile
        await writer.restore(target.key(tag, name), Math.max(ttl, 0), dump);
        report.copied++;
      }
    });
    return report;
  } finally {
    reader.disconnect();
    writer.disconnect();
  }
}
