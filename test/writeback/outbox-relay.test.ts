import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/observability/logger.js";
import { createRedis, type Redis } from "../../src/queues/connection.js";
import type { OutcomeJob } from "../../src/writeback/jobs.js";
import { OutboxRelay, WritebackOutbox } from "../../src/writeback/outbox-relay.js";
import { WritebackIntake, writebackJobId } from "../../src/writeback/outcome-intake.js";
import { eventually } from "../support/harness.js";
import { dropPrefix, redisUrl, uniquePrefix } from "../support/redis.js";

const job = (outcomeId: string): OutcomeJob => ({
  kind: "outcome",
  outcome: {
    outcomeId,
    leadKey: "sf/Lead/00Q1",
    campaign: "q4",
    disposition: "connected",
    startedAt: "2026-11-28T15:04:05.000Z",
    durationSec: 95,
    direction: "outbound",
  },
  lead: { integration: "sf", objectType: "Lead", crmId: "00Q1", phone: "+12025550101" },
});

/** `redis` whose XDEL dies like the process would, after the relay's addBulk resolved. */
function killedBeforeTrim(redis: Redis, trims: { tried: number }): Redis {
  return new Proxy(redis, {
    get(target, property) {
      if (property === "xdel")
        return async () => {
          trims.tried++;
          throw new Error("process killed before the outbox trim");
        };
      const value = Reflect.get(target, property) as unknown;
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** `redis` counting the relay's XDELs: the trims only the relay holding the lock makes. */
function countingTrims(redis: Redis, trims: { made: number }): Redis {
  return new Proxy(redis, {
    get(target, property) {
      const value = Reflect.get(target, property) as unknown;
      if (property === "xdel" && typeof value === "function")
        return (...args: unknown[]) => {
          trims.made++;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

describe("writeback outbox relay (real Redis, real BullMQ)", () => {
  let prefix: string;
  let redis: Redis;
  let intake: WritebackIntake;
  let outbox: WritebackOutbox;
  const relays: OutboxRelay[] = [];

  beforeEach(() => {
    prefix = uniquePrefix();
    redis = createRedis(redisUrl(), "producer");
    intake = new WritebackIntake(redis, prefix);
    outbox = new WritebackOutbox(prefix);
  });
  afterEach(async () => {
    await Promise.all(relays.splice(0).map((r) => r.close()));
    await intake.close();
    await dropPrefix(prefix);
    redis.disconnect();
  });

  /** What the acceptance script appends and writes: the entry, and the receipt as `accepted`. */
  async function accept(outcomeId: string): Promise<void> {
    const { key, fields } = outbox.entry(job(outcomeId));
    await redis.xadd(key, "*", ...fields);
    await intake.receipts.accepted(outcomeId, {
      direction: "outbound",
      leadKey: "sf/Lead/00Q1",
      at: new Date(),
    });
  }

  function relay(over: Redis = redis, lockTtlMs = 400): OutboxRelay {
    const started = new OutboxRelay(
      {
        integrationId: "sf",
        redis: over,
        target: { url: redisUrl() },
        prefix,
        intake,
        log: silentLogger(),
      },
      { lockTtlMs, blockMs: 100, retryMs: 50, batchSize: 3 },
    );
    relays.push(started);
    return started;
  }

  const queuedIds = async () =>
    (await intake.queue("sf").getJobs(["waiting", "delayed", "prioritized", "active", "completed"]))
      .map((j) => j.id)
      .sort();
  const outboxLength = () => redis.xlen(outbox.key("sf"));
  const ids = (...outcomeIds: string[]) => outcomeIds.map((id) => writebackJobId("o", id)).sort();

  it("queues every entry under the outcome's job id, in batches, then empties the outbox", async () => {
    for (const n of [1, 2, 3, 4, 5, 6, 7]) await accept(`o${n}`);
    relay();
    await eventually(async () => (await outboxLength()) === 0, 10_000, "outbox emptied");
    expect(await queuedIds()).toEqual(ids("o1", "o2", "o3", "o4", "o5", "o6", "o7"));
    const queued = await intake.queue("sf").getJob(writebackJobId("o", "o4"));
    expect(queued?.data).toEqual(job("o4"));
    expect(queued?.opts.attempts).toBe(25);
  });

  it("a crash after addBulk and before the trim: the next relay leaves exactly one job per outcome, none lost", async () => {
    for (const n of [1, 2, 3]) await accept(`c${n}`);
    const trims = { tried: 0 };
    const dying = relay(killedBeforeTrim(redis, trims));
    await eventually(() => trims.tried > 0, 10_000, "the first relay reached its trim");
    await dying.close();
    // Queued, and still in the outbox: the state a kill at that instant leaves.
    expect(await queuedIds()).toEqual(ids("c1", "c2", "c3"));
    expect(await outboxLength()).toBe(3);
    // Accepted while no relay ran: nothing may be lost either.
    await accept("c4");

    relay();
    await eventually(async () => (await outboxLength()) === 0, 10_000, "outbox emptied by the next relay");
    expect(await queuedIds()).toEqual(ids("c1", "c2", "c3", "c4"));
    const counts = await intake.queue("sf").getJobCounts("waiting", "delayed", "prioritized", "active");
    expect(Object.values(counts).reduce((sum, n) => sum + n, 0)).toBe(4);
  });

  it("a crash before the trim, and the job since written and removed: not queued a second time", async () => {
    await accept("gone-1");
    await accept("kept-2");
    const trims = { tried: 0 };
    const dying = relay(killedBeforeTrim(redis, trims));
    await eventually(() => trims.tried > 0, 10_000, "the first relay reached its trim");
    await dying.close();
    // A worker took gone-1, wrote it, and its job is gone (e.g. dead-lettered, or removed by age).
    await intake.receipts.batched("gone-1", 1);
    await intake.receipts.written("gone-1", []);
    await (await intake.queue("sf").getJob(writebackJobId("o", "gone-1")))?.remove();

    relay();
    await eventually(async () => (await outboxLength()) === 0, 10_000, "outbox emptied");
    expect(await queuedIds()).toEqual(ids("kept-2"));
  });

  it("relays in several processes at once: each outcome queued once, the outbox emptied", async () => {
    const outcomeIds = Array.from({ length: 40 }, (_v, n) => `p${n}`);
    const others = [0, 1, 2].map(() => createRedis(redisUrl(), "producer"));
    try {
      for (const other of others) relay(other);
      // Appended while the relays run, as outcomes arrive.
      for (const id of outcomeIds) await accept(id);
      await eventually(async () => (await outboxLength()) === 0, 10_000, "outbox emptied");
      expect(await queuedIds()).toEqual(ids(...outcomeIds));
    } finally {
      await Promise.all(relays.splice(0).map((r) => r.close()));
      for (const other of others) other.disconnect();
    }
  });

  it("one relay at a time holds the fenced lock; when it closes, a waiting one takes over", async () => {
    const first = { made: 0 };
    const second = { made: 0 };
    const leader = relay(countingTrims(redis, first));
    const lockKey = `${outbox.key("sf")}:lock`;
    await eventually(
      async () => (await redis.get(lockKey)) !== null,
      10_000,
      "the first relay took the lock",
    );
    relay(countingTrims(redis, second));
    for (const n of [1, 2, 3, 4, 5, 6]) await accept(`l${n}`);
    await eventually(async () => (await outboxLength()) === 0, 10_000, "outbox emptied by the leader");
    expect(first.made).toBeGreaterThan(0);
    expect(second.made).toBe(0);

    await leader.close();
    for (const n of [7, 8, 9]) await accept(`l${n}`);
    await eventually(
      async () => (await outboxLength()) === 0,
      10_000,
      "outbox emptied by the one that took over",
    );
    expect(second.made).toBeGreaterThan(0);
    expect(await queuedIds()).toEqual(ids("l1", "l2", "l3", "l4", "l5", "l6", "l7", "l8", "l9"));
  });
});
