import type { HubspotSandboxOptions } from "@telesync/sandbox";
import { afterEach, describe, expect, it } from "vitest";
import { HubspotConnector } from "../../../connectors/hubspot/connector.js";
import type { PullPage } from "../../../connectors/types.js";
import { type RunningHubspotSandbox, startHubspotSandbox } from "../../sandbox/hubspot/start.js";
import { collect, hubspotConfig, redisContext } from "./support.js";

let running: RunningHubspotSandbox | undefined;
let redis: Awaited<ReturnType<typeof redisContext>> | undefined;
let connector: HubspotConnector | undefined;

afterEach(async () => {
  await connector?.close();
  await running?.close();
  await redis?.close();
  connector = undefined;
  running = undefined;
  redis = undefined;
});

async function setup(sandboxOptions: HubspotSandboxOptions = {}, config: Record<string, unknown> = {}) {
  running = await startHubspotSandbox(sandboxOptions);
  redis = await redisContext();
  connector = new HubspotConnector(hubspotConfig(running.basePath, config), redis.ctx);
  return { sandbox: running.sandbox, connector, redis };
}

const ids = (pages: PullPage[]) => pages.flatMap((p) => p.records.map((r) => r.id));
const removed = (pages: PullPage[]) => new Set(pages.flatMap((p) => p.removedRefs));
const lastCursor = (pages: PullPage[]) => pages.at(-1)?.cursor;

describe("HubSpot connector on the sandbox: list source", () => {
  it("pulls every member, then reports members removed, deleted and merged away", async () => {
    const { sandbox, connector } = await setup();
    const members = sandbox.seedContacts(600, { listId: "7" });
    sandbox.seedContacts(50); // not in the list
    const first = await collect(
      connector.pull({ sourceId: "l", select: { listId: "7" }, fields: ["phone"], cursor: undefined }),
    );
    expect(first).toHaveLength(3); // 250 + 250 + 100 memberships
    expect(new Set(ids(first))).toEqual(new Set(members));
    expect(ids(first)).toHaveLength(600);
    expect(first[0]?.records[0]?.fields.phone).toMatch(/^\+1415555/);

    const [a, b, c, d, e] = members as [string, string, string, string, string];
    sandbox.removeFromList("7", [a, b]);
    sandbox.archiveContact(c);
    sandbox.mergeContacts(e, d); // d merged into e: e stays, d leaves
    const joined = sandbox.seedContacts(3, { listId: "7" });
    const second = await collect(
      connector.pull({
        sourceId: "l",
        select: { listId: "7" },
        fields: ["phone"],
        cursor: lastCursor(first),
      }),
    );
    const kept = members.filter((id) => ![a, b, c, d].includes(id));
    expect(new Set(ids(second))).toEqual(new Set([...kept, ...joined]));
    expect(ids(second)).toHaveLength(kept.length + 3);
    expect(removed(second)).toEqual(new Set([a, b, c, d]));
  });
});

describe("HubSpot connector on the sandbox: search source", () => {
  it("25,000 matching contacts, 15,000 sharing one lastmodifieddate: every contact exactly once", async () => {
    const { sandbox, connector } = await setup(
      { searchPerSecond: 200, burstLimit: 1_000 },
      { searchRequestsPerSecond: 200, burstLimitPer10s: 1_000 },
    );
    const base = Date.parse("2026-01-01T00:00:00.000Z");
    const crowded = base + 3_600_000;
    const matching = sandbox.seedContacts(25_000, {
      // 15,000 at one instant; the rest spread before and after it, some in small ties.
      lastmodifieddate: (i) => (i < 15_000 ? crowded : i < 20_000 ? base + Math.floor(i / 4) : crowded + i),
    });
    sandbox.seedContacts(1_000, {
      properties: () => ({ hs_lead_status: "OPEN" }),
      lastmodifieddate: crowded,
    });
    const started = performance.now();
    const pages = await collect(
      connector.pull({
        sourceId: "s",
        select: {
          search: {
            filterGroups: [{ filters: [{ propertyName: "hs_lead_status", operator: "EQ", value: "NEW" }] }],
          },
        },
        fields: ["phone", "hs_lead_status"],
        cursor: undefined,
      }),
    );
    const elapsed = performance.now() - started;
    const seen = ids(pages);
    expect(seen).toHaveLength(25_000);
    expect(new Set(seen)).toEqual(new Set(matching));
    const stats = sandbox.stats();
    expect(stats.byStatus["400"]).toBeUndefined();
    expect(stats.rateLimited).toEqual({});
    console.info(
      `[hubspot] 25k search pull: ${Math.round(elapsed)} ms, ${stats.byKind["contacts.search"]} search requests, ${pages.length} pages`,
    );
  }, 120_000);

  it("holds to HubSpot's real 5 searches per second without a single 429", async () => {
    const { sandbox, connector } = await setup();
    const base = Date.parse("2026-01-01T00:00:00.000Z");
    sandbox.seedContacts(1_500, { lastmodifieddate: (i) => base + Math.floor(i / 3) * 1_000 });
    const started = performance.now();
    const pages = await collect(
      connector.pull({
        sourceId: "s",
        select: { search: { filterGroups: [] } },
        fields: [],
        cursor: undefined,
      }),
    );
    const elapsed = performance.now() - started;
    expect(new Set(ids(pages)).size).toBe(1_500);
    const stats = sandbox.stats();
    const searches = stats.byKind["contacts.search"] ?? 0;
    expect(searches).toBeGreaterThan(5);
    expect(stats.rateLimited).toEqual({});
    expect(stats.observed.searchPerSecondMax).toBeLessThanOrEqual(5);
    // n searches at 5/s take at least (n - 5) / 5 seconds.
    expect(elapsed).toBeGreaterThanOrEqual(((searches - 5) / 5) * 1_000 - 50);
    console.info(`[hubspot] 1.5k search pull at 5/s: ${Math.round(elapsed)} ms, ${searches} search requests`);
  });

  it("resumes from its cursor: updates come again, deletions and merges are removals", async () => {
    const { sandbox, connector } = await setup({ searchPerSecond: 100 }, { searchRequestsPerSecond: 100 });
    const contacts = sandbox.seedContacts(450);
    const first = await collect(
      connector.pull({
        sourceId: "s",
        select: { search: { filterGroups: [] } },
        fields: [],
        cursor: undefined,
      }),
    );
    expect(new Set(ids(first)).size).toBe(450);
    const [a, b, c, d] = contacts as [string, string, string, string];
    sandbox.setNow(Date.now() + 60_000);
    sandbox.updateContact(a, { hs_lead_status: "OPEN" });
    sandbox.archiveContact(b);
    sandbox.mergeContacts(c, d);
    sandbox.setNow(undefined);
    const second = await collect(
      connector.pull({
        sourceId: "s",
        select: { search: { filterGroups: [] } },
        fields: [],
        cursor: lastCursor(first),
      }),
    );
    expect(new Set(ids(second))).toEqual(new Set([a, c]));
    expect(removed(second)).toEqual(new Set([b, d]));
  });
});

describe("HubSpot connector on the sandbox: all contacts", () => {
  it("passes over every contact each pull and reports deletions since the previous pull", async () => {
    const { sandbox, connector } = await setup();
    const contacts = sandbox.seedContacts(250);
    const first = await collect(
      connector.pull({ sourceId: "a", select: { allContacts: true }, fields: ["email"], cursor: undefined }),
    );
    expect(ids(first)).toEqual(contacts);
    sandbox.archiveContact(contacts[10] as string);
    const second = await collect(
      connector.pull({
        sourceId: "a",
        select: { allContacts: true },
        fields: ["email"],
        cursor: lastCursor(first),
      }),
    );
    expect(ids(second)).toHaveLength(249);
    expect(removed(second)).toEqual(new Set([contacts[10]]));
  });
});
