import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load.js";
import { ConfigError } from "../../src/errors.js";
import { clusterSeeds } from "../../src/queues/connection.js";
import { hasHashTag, RedisKeys, slotPart } from "../../src/queues/keys.js";

describe("key layout (src/queues/keys.ts)", () => {
  it("keeps every name of the single-slot layout when the prefix is a hash tag", () => {
    // The names of releases before per-slot tags, written out by hand (docs/architecture.md).
    const keys = new RedisKeys("{telesync}");
    expect(keys.singleSlot).toBe(true);
    expect(keys.dialQueuePrefix("q4")).toBe("{telesync}");
    expect(keys.dueIndex("q4")).toBe("{telesync}:dial-due:q4");
    expect(keys.campaignStats("q4", "dispositions")).toBe("{telesync}:stats:q4:dispositions");
    expect(keys.abandonment("q4", "2026-11-30")).toBe("{telesync}:abandonment:q4:2026-11-30");
    expect(keys.writebackQueuePrefix("sf")).toBe("{telesync}");
    expect(keys.breaker("sf")).toBe("{telesync}:breaker:sf");
    expect(keys.token("sf")).toBe("{telesync}:token:sf");
    expect(keys.source("leads", "cursor")).toBe("{telesync}:source:leads:cursor");
    expect(keys.doNotCall("phones")).toBe("{telesync}:dnc:phones");
    expect(keys.phoneJobs("abc")).toBe("{telesync}:phone-jobs:abc");
    expect(keys.attempts("abc")).toBe("{telesync}:attempts:abc");
    expect(keys.outcomeSeen("o-1")).toBe("{telesync}:outcome-seen:o-1");
    expect(keys.receipt("h")).toBe("{telesync}:receipt:h");
    expect(keys.rateLimit("rl", "hubspot:hs:burst")).toBe("{telesync}:rl:hubspot:hs:burst");
    expect(keys.syncQueuePrefix).toBe("{telesync}");
  });

  it("gives campaigns, integrations, sources and global families their own hash tags otherwise", () => {
    const keys = new RedisKeys("telesync");
    expect(keys.singleSlot).toBe(false);
    expect(keys.dialQueuePrefix("q4")).toBe("telesync:{c:q4}");
    expect(keys.dueIndex("q4")).toBe("telesync:{c:q4}:dial-due:q4");
    expect(keys.campaignStats("q4", "answers")).toBe("telesync:{c:q4}:stats:q4:answers");
    expect(keys.abandonment("q4", "2026-11-30")).toBe("telesync:{c:q4}:abandonment:q4:2026-11-30");
    expect(keys.writebackQueuePrefix("sf")).toBe("telesync:{i:sf}");
    expect(keys.breaker("sf")).toBe("telesync:{i:sf}:breaker:sf");
    expect(keys.source("leads", "members")).toBe("telesync:{s:leads}:source:leads:members");
    expect(keys.doNotCall("meta")).toBe("telesync:{dnc}:dnc:meta");
    expect(keys.attempts("abc")).toBe("telesync:{attempts}:attempts:abc");
    expect(keys.outcomeSeen("o-1")).toBe("telesync:{outcomes}:outcome-seen:o-1");
    expect(keys.syncQueuePrefix).toBe("telesync:{q:sync}");
    // The acceptance script appends to the outbox: it shares the seen key's and receipt's slot.
    expect(keys.writebackOutbox("sf")).toBe("telesync:{outcomes}:outbox:sf");
    expect(slotPart(keys.writebackOutbox("sf"))).toBe(slotPart(keys.outcomeSeen("o-1")));
    expect(slotPart(keys.writebackOutbox("sf"))).toBe(slotPart(keys.receipt("h")));
    // A campaign's dial queue (BullMQ: `<prefix>:<queue>:<suffix>`) and its due index share a slot.
    expect(slotPart(`${keys.dialQueuePrefix("q4")}:dial-q4:wait`)).toBe(slotPart(keys.dueIndex("q4")));
    expect(slotPart(keys.dueIndex("q4"))).not.toBe(slotPart(keys.dueIndex("q5")));
    // A marker beside a key is in that key's slot.
    expect(keys.besides(keys.attempts("abc"), "outcome-counted:x")).toBe(
      "telesync:{attempts}:outcome-counted:x",
    );
  });

  it("reads hash tags as Redis does: the first {…} with something inside", () => {
    expect(hasHashTag("{telesync}")).toBe(true);
    expect(hasHashTag("a{b}c")).toBe(true);
    expect(hasHashTag("telesync")).toBe(false);
    expect(hasHashTag("{}telesync")).toBe(false);
    expect(slotPart("x:{c:q4}:y")).toBe("c:q4");
    expect(slotPart("{}x")).toBe("{}x");
  });

  it("takes a cluster's seed list from redis.url", () => {
    expect(clusterSeeds("redis://10.0.0.1:7000,redis://10.0.0.2:7001")).toEqual([
      { host: "10.0.0.1", port: 7000 },
      { host: "10.0.0.2", port: 7001 },
    ]);
    expect(clusterSeeds("redis://:pw@10.0.0.1:7000,10.0.0.2")).toEqual([
      { host: "10.0.0.1", port: 7000 },
      { host: "10.0.0.2", port: 6379 },
    ]);
  });
});

describe("redis config for a cluster", () => {
  const minimal = (redis: string) => `
redis:
${redis}
integrations: {}
mappings: {}
campaigns:
  q4: {}
`;
  function problems(text: string): string {
    try {
      parseConfig(text, "telesync.config.yaml", {});
    } catch (error) {
      if (error instanceof ConfigError) return error.message;
      throw error;
    }
    return "";
  }

  it("refuses a hash-tagged prefix on a cluster, naming the path, line and fix", () => {
    const message = problems(
      minimal("  url: redis://10.0.0.1:7000\n  cluster: true\n  prefix: '{telesync}'"),
    );
    expect(message).toContain("redis.prefix (line 5)");
    expect(message).toContain("use a prefix without braces, e.g. telesync");
  });

  it("refuses a node list without redis.cluster", () => {
    const message = problems(minimal("  url: redis://10.0.0.1:7000,redis://10.0.0.2:7000"));
    expect(message).toContain("redis.url");
    expect(message).toContain("set redis.cluster: true");
  });

  it("defaults to one server and the single-slot prefix", () => {
    const config = parseConfig(minimal("  url: redis://127.0.0.1:6379"), "telesync.config.yaml", {});
    expect(config.redis).toEqual({ url: "redis://127.0.0.1:6379", prefix: "{telesync}", cluster: false });
  });
});
