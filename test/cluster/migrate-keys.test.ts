import { randomUUID } from "node:crypto";
import { Queue, Worker } from "bullmq";
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
  const single = new Redis(redisUrl(), { maxRetriesPerRequest: null });
  const migrate = () =>
    migrateKeyLayout({ url: redisUrl(), prefix: from }, { url: cluster.url, cluster: true, prefix: to });

  beforeAll(async () => {
    cluster = await LocalCluster.start(3);
  }, 60_000);
  afterAll(async () => {
    single.disconnect();
    await dropPrefix(redisUrl(), from);
    await cluster?.stop();
  });

  it("names each family's tag, BullMQ queues with their campaign or integration", () => {
    expect(tagOfName("stats:q4:dispositions")).toBe("c:q4");
    expect(tagOfName("breaker:sf")).toBe("i:sf");
    expect(tagOfName("rl:hubspot:hs:burst")).toBe("rl:hubspot:hs:burst");
    expect(tagOfName("source:leads:cursor")).toBe("s:leads");
    expect(tagOfName("dnc:phones")).toBe("dnc");
    expect(tagOfName("dial-due:q4")).toBe("c:q4");
    // BullMQ's keys (`<queue prefix>:<queue>:…`) go with their queue's tag.
    expect(tagOfName("dial-q4:wait")).toBe("c:q4");
    expect(tagOfName("dial-q4:lead/1:lock")).toBe("c:q4");
    expect(tagOfName("writeback-sf:42")).toBe("i:sf");
    // An integration's outbox is written by the outcome's acceptance: the outcomes slot.
    expect(tagOfName("outbox:sf")).toBe("outcomes");
    expect(tagOfName("sync:repeat")).toBe("q:sync");
    expect(() => tagOfName("mystery:key")).toThrow(/does not know/);
  });

  it("copies queues with their jobs, the do-not-call list, outcome ledger and sync state, TTLs kept", async () => {
    await new SuppressionList(single, from).add(["+14155550100"], {
      source: "agent",
      at: "2026-11-30T10:00:00Z",
    });
    await new OutcomeLedger(single, from).accept("o-1", "lease-1", () => {});
    // The cursor as the single-slot layout names it (docs/architecture.md).
    await single.set(`${from}:source:leads:cursor`, JSON.stringify({ at: "cursor-1" }));
    // A dial queue with one lead finished (leased and completed) and one still waiting.
    const oldQueue = new Queue("dial-q4", { connection: single, prefix: from });
    await oldQueue.add("dial", { n: 1 }, { jobId: "sf/Lead/1" });
    await oldQueue.add("dial", { n: 2 }, { jobId: "sf/Lead/2" });
    const worker = new Worker("dial-q4", null, { connection: single.duplicate(), prefix: from });
    const leased = await worker.getNextJob("token-1");
    await leased?.moveToCompleted("done", "token-1", false);
    await worker.close();
    await oldQueue.close();

    // A live lock (a running process or a lease not ended) stops the migration before any copy.
    await single.set(`${from}:dial-q4:sf/Lead/2:lock`, "token-2", "PX", 60_000);
    await expect(migrate()).rejects.toThrow(/lock is held: stop every telesync process/);
    await single.del(`${from}:dial-q4:sf/Lead/2:lock`);

    expect((await migrate()).copied).toBeGreaterThanOrEqual(8);
    const redis = createRedis({ url: cluster.url, cluster: true }, "producer");
    const newQueue = new Queue("dial-q4", { connection: redis, prefix: `${to}:{c:q4}` });
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
      expect(await newQueue.getJobState(leased?.id as string)).toBe("completed");
      const waiting = await newQueue.getWaiting();
      expect(waiting.map((job) => job.id)).toEqual(
        leased?.id === "sf/Lead/1" ? ["sf/Lead/2"] : ["sf/Lead/1"],
      );
      // Copying again refuses to overwrite.
      await expect(migrate()).rejects.toThrow(/BUSYKEY/);
    } finally {
      await newQueue.close();
      redis.disconnect();
      await dropPrefix({ url: cluster.url, cluster: true }, to);
    }
  });
});
