import { type CrmSandbox, startSandbox } from "@telesync/sandbox";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configSchema } from "../../src/config/schema.js";
import { createTelesync, type Telesync } from "../../src/runtime/telesync.js";
import type { SyncReport } from "../../src/sync/run-sync.js";
import { insertLeads, withAddress } from "../compliance-gate/support.js";
import { salesforceTestConfigInput } from "../support/test-config.js";
import { ThrowawayRedis } from "../support/throwaway-redis.js";

/** Tuesday 8 December 2026, 12:30 UTC: 07:30 in New York (EST, UTC−5), 04:30 in Los Angeles (PST, UTC−8). */
const at = Date.parse("2026-12-08T12:30:00Z");
/** 47 CFR 64.1200(c)(1): no calls before 08:00 local. 08:00 EST = 13:00 UTC; 08:00 PST = 16:00 UTC. */
const newYorkOpens = "2026-12-08T13:00:00.000Z";
const losAngelesOpens = "2026-12-08T16:00:00.000Z";
const perZone = 250;

/**
 * A first sync of one page of 500 leads that the gate holds (07:30 in New York, 04:30 in Los Angeles),
 * on a redis-server of the test's own, so every command and byte on it is this sync's.
 */
describe("first sync of 500 held leads", () => {
  let server: ThrowawayRedis;
  let sandbox: CrmSandbox;
  let telesync: Telesync;
  let redis: Redis;
  let ids: Map<string, string>;
  let report: SyncReport;
  const prefix = "{held-test}";
  /** Top-level commands sent during the sync (not the ones inside Lua scripts): name and first key. */
  const commands: Array<{ name: string; key: string }> = [];

  beforeAll(async () => {
    server = await ThrowawayRedis.start();
    sandbox = await startSandbox({ port: 0 });
    sandbox.salesforce.setNow(new Date(at - 60_000));
    ids = insertLeads(sandbox, [
      ...Array.from({ length: perZone }, (_, i) => ({
        name: `NewYork${i}`,
        phone: `(212) 555-${String(1000 + i)}`,
        state: "NY",
      })),
      ...Array.from({ length: perZone }, (_, i) => ({
        name: `LosAngeles${i}`,
        phone: `(213) 555-${String(1000 + i)}`,
        state: "CA",
      })),
    ]);
    sandbox.salesforce.setNow(new Date(at));
    const input = withAddress(salesforceTestConfigInput(sandbox.url, prefix, "005000000000007AAA"));
    telesync = createTelesync({
      config: configSchema.parse({ ...input, redis: { url: server.url, prefix } }),
      now: () => new Date(at),
    });
    redis = new Redis(server.url);
    const monitor = await redis.monitor();
    monitor.on("monitor", (_time: string, args: string[], source: string) => {
      if (source !== "lua") commands.push({ name: (args[0] ?? "").toLowerCase(), key: args[1] ?? "" });
    });
    try {
      report = await telesync.sync("leads");
      // MONITOR lines arrive a moment after the replies: a PING after the sync marks the end.
      await telesync.redis.ping("end-of-sync");
      for (let i = 0; i < 100 && !commands.some((c) => c.name === "ping" && c.key === "end-of-sync"); i++)
        await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      monitor.disconnect();
    }
  }, 120_000);

  afterAll(async () => {
    await telesync?.close();
    redis?.disconnect();
    await sandbox?.close();
    await server?.stop();
  });

  it("holds every lead until its window opens", async () => {
    expect(report).toMatchObject({ records: 2 * perZone, added: 2 * perZone, held: 2 * perZone, blocked: 0 });
    const queue = telesync.dialQueues.get("q4").queue;
    expect(await queue.getJobCounts("waiting", "delayed")).toEqual({ waiting: 0, delayed: 2 * perZone });
  });

  it("does not look up a single existing job: no command reads a dial job's key", () => {
    const jobKeyPrefix = `${prefix}:dial-q4:sf/Lead/`;
    const jobReads = commands.filter((c) => c.key.startsWith(jobKeyPrefix));
    expect(jobReads).toEqual([]);
    // Membership is read once per page (refs an earlier page of the run queued), never per lead.
    const hmget = commands.filter((c) => c.name === "hmget");
    expect(hmget.length).toBeLessThanOrEqual(report.pages * 2);
    expect(commands.filter((c) => c.name === "exists")).toEqual([]);
  });

  it("audits the page compactly: one entry per (rule, until), no stream per lead", async () => {
    expect(await redis.keys(`${prefix}:decisions:*`)).toEqual([]);
    const entries = await redis.xrange(`${prefix}:decision-pages:q4`, "-", "+");
    const groups = entries.map(([, flat]) => {
      const f = new Map<string, string>();
      for (let i = 0; i + 1 < flat.length; i += 2) f.set(flat[i] as string, flat[i + 1] as string);
      return { until: f.get("until"), rule: f.get("ruleId"), count: Number(f.get("count")) };
    });
    expect(groups.sort((a, b) => String(a.until).localeCompare(String(b.until)))).toEqual([
      { until: newYorkOpens, rule: "hours.US", count: perZone },
      { until: losAngelesOpens, rule: "hours.US", count: perZone },
    ]);
  });

  it("still explains why a lead of that page is held: rule, until and the per-lead evidence", async () => {
    const [newYork] = await telesync.compliance.decisions.read(`sf/Lead/${ids.get("NewYork137")}`);
    expect(newYork).toMatchObject({
      stage: "sync",
      campaign: "q4",
      decision: "wait",
      at: "2026-12-08T12:30:00.000Z",
      until: newYorkOpens,
      rule: { id: "hours.US", version: expect.stringMatching(/^us-federal@/) },
      evidence: { zone: "America/New_York", localTime: "2026-12-08T07:30 tue", jurisdiction: "US" },
      zones: ["America/New_York"],
      jurisdictions: ["US", "US-NY"],
    });
    const [losAngeles] = await telesync.compliance.decisions.read(`sf/Lead/${ids.get("LosAngeles42")}`);
    expect(losAngeles).toMatchObject({
      decision: "wait",
      until: losAngelesOpens,
      rule: { id: "hours.US" },
      evidence: { zone: "America/Los_Angeles", localTime: "2026-12-08T04:30 tue" },
      jurisdictions: ["US", "US-CA"],
    });
  });

  it("costs at most 1.5 KB of Redis per held lead (MEMORY USAGE over the prefix)", async () => {
    // Keys that exist once per source or campaign and do not grow with its leads: the cursor, run
    // history, lock fence, token, BullMQ's meta/id/marker, and BullMQ's event stream (capped at
    // `dialEventsKept` entries however many jobs the queue holds).
    const bounded = ["source:leads:cursor", "source:leads:runs", "source:leads:fence", "token:sf"]
      .concat(["dial-q4:meta", "dial-q4:id", "dial-q4:marker", "dial-q4:events"])
      .map((name) => `${prefix}:${name}`);
    let cursor = "0";
    let bytes = 0;
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      cursor = next;
      for (const key of keys.filter((k) => !bounded.includes(k)))
        bytes += Number(await redis.call("MEMORY", "USAGE", key, "SAMPLES", "0"));
    } while (cursor !== "0");
    // Everything else grows with the leads: job hashes, the delayed set and due index, phone index,
    // membership and the compact audit.
    expect(bytes / (2 * perZone)).toBeLessThanOrEqual(1536);
  });
});
