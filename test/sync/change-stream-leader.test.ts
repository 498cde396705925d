import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import type { ChangeStream } from "../../connectors/types.js";
import { acquireFencedLock } from "../../src/queues/fenced-lock.js";
import { TelesyncService } from "../../src/runtime/service.js";
import { createTelesync, type Telesync } from "../../src/runtime/telesync.js";
import { ChangeStreamLeader, FencedChangeStreamPositions } from "../../src/sync/change-stream-leader.js";
import { type ConfigInput, eventually, type Harness, startHarness } from "../support/harness.js";
import { dropPrefix, redisUrl, uniquePrefix } from "../support/redis.js";

const people = [
  { FirstName: "Ada", LastName: "Byron", Company: "Analytical", Phone: "(212) 555-0147" },
  { FirstName: "Grace", LastName: "Hopper", Company: "Navy", Phone: "(415) 555-0199" },
];
/** The numbers above in E.164 (NANP: +1 and ten digits). */
const adaE164 = "+12125550147";
const graceE164 = "+14155550199";

/** CDC on, and a short leader lock so a takeover is quick (renewed every third of it). */
const realtime = (input: ConfigInput): ConfigInput => ({
  ...input,
  integrations: {
    sf: {
      ...(input.integrations.sf as object),
      realtime: { changeDataCapture: true },
    } as ConfigInput["integrations"][string],
  },
  sync: { changeStreamLockTtl: 3_000 },
});

let harness: Harness | undefined;
let second: { telesync: Telesync; service: TelesyncService } | undefined;
afterEach(async () => {
  // The test may have handed the second worker's service to the harness, which then closes it.
  if (second && second.service !== harness?.service) await second.service.close();
  await harness?.close();
  await second?.telesync.close();
  harness = undefined;
  second = undefined;
});

describe("Change Data Capture leader: one worker follows an integration's stream", () => {
  it("two workers: exactly one subscribed; when it stops, the other takes over and resumes from the stored replay id", async () => {
    harness = await startHarness({
      configure: realtime,
      seed: (sandbox) => people.map((p) => sandbox.salesforce.insert("Lead", p)),
      service: { schedule: false },
    });
    const h = harness;
    const [ada, grace] = h.leadIds as [string, string];
    // A second worker on the same Redis prefix and config, with its own connections.
    const telesync = createTelesync({ config: h.telesync.config });
    second = { telesync, service: await TelesyncService.start(telesync, { schedule: false, listen: false }) };
    const b = second.service;
    const suppressed = async (phone: string) =>
      (await h.service.consent.suppression.entry(phone)) !== undefined;

    expect(h.service.changeStreams).toHaveLength(1);
    expect(b.changeStreams).toHaveLength(0);
    // Several renewal periods later, still exactly one: the leader renews, the other keeps out.
    h.sandbox.salesforce.update("Lead", grace, { FirstName: "Amazing Grace" });
    await eventually(
      async () =>
        (await h.telesync.dialQueues.jobsOfLead(`sf/Lead/${grace}`))[0]?.job.data.lead.firstName ===
        "Amazing Grace",
      15_000,
      "the leader applied an edit",
    );
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect([h.service.changeStreams.length, b.changeStreams.length]).toEqual([1, 0]);

    // The leader stops; an opt-out made before anyone follows again must still arrive.
    await h.service.close();
    h.sandbox.salesforce.update("Lead", ada, { DoNotCall: true });
    await eventually(() => b.changeStreams.length === 1, 15_000, "the second worker took over");
    await eventually(() => suppressed(adaE164), 15_000, "the opt-out made between leaders applied");
    expect(await suppressed(graceE164)).toBe(false);
    // The harness closes the service it holds: give it the live one.
    h.service = b;
  });
});

describe("FencedChangeStreamPositions", () => {
  it("a leader whose lock was taken over cannot move the replay ids any more", async () => {
    const redis = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });
    const prefix = uniquePrefix();
    const key = `${prefix}:change-stream:sf`;
    const keys = { lock: `${key}:lock`, fence: `${key}:fence` };
    try {
      const first = await acquireFencedLock(redis, keys, 60_000);
      if (!first.acquired) throw new Error("lock not acquired");
      const old = new FencedChangeStreamPositions(redis, key, keys.fence, first.lock.fence);
      await old.set("/data/LeadChangeEvent", "41");
      // The lock lapses (a stalled leader) and another worker takes it.
      await redis.del(keys.lock);
      const next = await acquireFencedLock(redis, keys, 60_000);
      if (!next.acquired) throw new Error("lock not acquired");
      const current = new FencedChangeStreamPositions(redis, key, keys.fence, next.lock.fence);
      await current.set("/data/LeadChangeEvent", "57");
      await expect(old.set("/data/LeadChangeEvent", "42")).rejects.toThrow(/leadership lost/);
      expect(await current.get("/data/LeadChangeEvent")).toBe("57");
    } finally {
      redis.disconnect();
      await dropPrefix(prefix);
    }
  });
});

describe("ChangeStreamLeader: a lapsed lock", () => {
  it("when the leader loses Redis, it closes its stream; its lock lapses and another worker takes over", async () => {
    const redis = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });
    // The leader's own connection, which it loses (a partition, or its process dying).
    const leaderRedis = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });
    const prefix = uniquePrefix();
    const positionsKey = `${prefix}:change-stream:sf`;
    const log = { info() {}, warn() {}, error() {} };
    const open = new Map<string, boolean>();
    const candidate = (name: string, connection: Redis) =>
      new ChangeStreamLeader({
        redis: connection,
        integrationId: "sf",
        positionsKey,
        ttlMs: 600,
        follow: async (): Promise<ChangeStream> => {
          open.set(name, true);
          return {
            channels: ["/data/LeadChangeEvent"],
            close: async () => {
              open.set(name, false);
            },
          };
        },
        log,
      });
    const a = candidate("a", leaderRedis);
    const b = candidate("b", redis);
    try {
      await leaderRedis.ping();
      await a.start();
      await b.start();
      expect([a.current !== undefined, b.current !== undefined]).toEqual([true, false]);
      leaderRedis.disconnect();
      await eventually(() => open.get("a") === false, 15_000, "a noticed and closed its stream");
      expect(a.current).toBeUndefined();
      await eventually(() => b.current !== undefined, 15_000, "b took the lapsed lock");
      expect(open.get("b")).toBe(true);
    } finally {
      await a.close();
      await b.close();
      leaderRedis.disconnect();
      redis.disconnect();
      await dropPrefix(prefix);
    }
  });
});
