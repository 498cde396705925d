import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SuppressionList } from "../../src/consent/suppression.js";
import { OutcomeLedger } from "../../src/outcomes/outcome-ledger.js";
import { createRedis } from "../../src/queues/connection.js";
import { dropPrefix } from "../../src/runtime/drop-prefix.js";
import { migrateKeyLayout, tagOfName } from "../../src/runtime/key-migration.js";
import { LocalCluster } from "../../src/runtime/local-cluster.js";
import { SyncState } from "../../src/sync/sync-state.js";
import { writebackJobId } from "../../src/writeback/outcome-intake.js";
import { redisUrl, uniquePrefix } from "../support/redis.js";

describe("telesync migrate-keys: a single-slot deployment onto a Redis Cluster", () => {
  let cluster: LocalCluster;
  const from = uniquePrefix();
  const to = `t-${randomUUID().slice(0, 12)}`;
  const single = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });

  beforeAll(async () => {
    cluster = await LocalCluster.start(3);
  }, 60_000);
  afterAll(async () => {
    single.disconnect();
    await dropPrefix(redisUrl(), from);
    await cluster?.stop();
  });

  it("names each family's tag and leaves BullMQ queues out", () => {
    expect(tagOfName("stats:q4:dispositions")).toBe("c:q4");
    expect(tagOfName("breaker:sf")).toBe("i:sf");
    expect(tagOfName("rl:hubspot:hs:burst")).toBe("rl:hubspot:hs:burst");
    expect(tagOfName("source:leads:cursor")).toBe("s:leads");
    expect(tagOfName("dnc:phones")).toBe("dnc");
    expect(tagOfName("dial-q4:wait")).toBeUndefined();
    expect(tagOfName("dial-due:q4")).toBeUndefined();
    expect(tagOfName("writeback-sf:42")).toBeUndefined();
    expect(() => tagOfName("mystery:key")).toThrow(/does not know/);
  });

  it("copies the do-not-call list, outcome ledger and sync state with their TTLs; refuses a pending writeback", async () => {
    await new SuppressionList(single, from).add(["+14155550100"], {
      source: "agent",
      at: "2026-11-30T10:00:00Z",
    });
    await new OutcomeLedger(single, from).accept("o-1", "lease-1", () => {});
    // The cursor as the single-slot layout names it (docs/architecture.md).
    await single.set(`${from}:source:leads:cursor`, JSON.stringify({ at: "cursor-1" }));
    const migrated = await migrateKeyLayout(
      { url: redisUrl(), prefix: from },
      { url: cluster.url, cluster: true, prefix: to },
    );
    expect(migrated.copied).toBeGreaterThanOrEqual(4);

    const redis = createRedis({ url: cluster.url, cluster: true }, "producer");
    try {
      expect(await new SuppressionList(redis, to).firstSuppressed(["+14155550100"])).toBe("+14155550100");
      expect(await new OutcomeLedger(redis, to).lookup("o-1", "lease-1")).toEqual({
        state: "same-lease",
        queued: false,
      });
      expect(await new SyncState(redis, to, "leads").readCursor()).toEqual({ at: "cursor-1" });
      // The seen key keeps its 30 days (2,592,000 s), less the seconds the test took.
      const ttl = await redis.ttl(`${to}:{outcomes}:outcome-seen:${writebackJobId("o", "o-1")}`);
      expect(ttl).toBeGreaterThan(2_592_000 - 60);
      // Copying again refuses to overwrite.
      await expect(
        migrateKeyLayout({ url: redisUrl(), prefix: from }, { url: cluster.url, cluster: true, prefix: to }),
      ).rejects.toThrow(/BUSYKEY/);
    } finally {
      redis.disconnect();
      await dropPrefix({ url: cluster.url, cluster: true }, to);
    }

    await single.rpush(`${from}:writeback-sf:wait`, "1");
    await expect(
      migrateKeyLayout({ url: redisUrl(), prefix: from }, { url: cluster.url, cluster: true, prefix: to }),
    ).rejects.toThrow(/writeback-sf:wait holds 1 jobs/);
  });
});
