import { Redis } from "ioredis";
import { createRedis, type RedisTarget } from "../queues/connection.js";
import { RedisKeys, slotTags } from "../queues/keys.js";

/** A live BullMQ job lock or sync lock: some process still works on the old keys. */
const liveLock = /:lock$/;

/**
 * The hash tag a key name (after the prefix) belongs to in the tagged layout, per
 * `src/queues/keys.ts`. BullMQ names every key of a queue `<queue prefix>:<queue>:…` and refers to
 * other keys by job id only (the prefix is passed with each call), so a queue moves by renaming its
 * keys. Ids (campaign, integration, source) never hold `:`, so the first segments say whose.
 */
export function tagOfName(name: string): string {
  const [family = "", first = ""] = name.split(":");
  if (family === "dial-due" || family === "stats" || family === "abandonment")
    return slotTags.campaign(first);
  if (family.startsWith("dial-")) return slotTags.campaign(family.slice("dial-".length));
  if (family.startsWith("writeback-")) return slotTags.integration(family.slice("writeback-".length));
  switch (family) {
    case "sync":
      return slotTags.syncQueue;
    case "dead-letter":
      return slotTags.deadLetterQueue;
    case "outcome-notify":
      return slotTags.outcomeNotifyQueue;
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
    case "outbox":
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
 * keeping each key's remaining TTL: queues with their jobs (queued, held, finished), and every
 * other key. Refused while a job or sync lock is live (a process still runs, or a lease has not
 * ended) and before anything is copied when a key is unknown; a key already at the target is an
 * error (nothing is overwritten).
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
  const report: MigrationReport = { copied: 0 };
  const lead = `${from.prefix}:`;
  try {
    await scanAll(reader, `${from.prefix}:*`, async (keys) => {
      for (const key of keys) {
        const name = key.slice(lead.length);
        if (liveLock.test(name))
          throw new Error(
            `${key} is held: stop every telesync process and let leases end (their lease ttl) before migrating`,
          );
        tagOfName(name);
      }
    });
    await scanAll(reader, `${from.prefix}:*`, async (keys) => {
      for (const key of keys) {
        const name = key.slice(lead.length);
        const tag = tagOfName(name);
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
