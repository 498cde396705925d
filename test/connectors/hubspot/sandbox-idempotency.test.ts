import type { HubspotSandboxOptions } from "@telesync/sandbox";
import { afterEach, describe, expect, it } from "vitest";
import { HubspotConnector } from "../../../connectors/hubspot/connector.js";
import type { ActivityWrite, WriteResult } from "../../../connectors/types.js";
import { type RunningHubspotSandbox, startHubspotSandbox } from "../../sandbox/hubspot/start.js";
import { hubspotConfig, redisContext } from "./support.js";

let running: RunningHubspotSandbox | undefined;
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const close of cleanups.splice(0).reverse()) await close();
  await running?.close();
  running = undefined;
});

/** A sandbox whose search index lags `indexDelayMs` on its own clock, and a connector on real Redis. */
async function setup(
  sandboxOptions: HubspotSandboxOptions,
  config: Record<string, unknown> = {},
  prefix?: string,
) {
  running ??= await startHubspotSandbox(sandboxOptions);
  const redis = await redisContext("hs1", prefix);
  const connector = new HubspotConnector(hubspotConfig(running.basePath, config), redis.ctx, {
    sleep: async () => {},
  });
  cleanups.push(
    () => connector.close(),
    () => redis.close(),
  );
  return { sandbox: running.sandbox, connector, redis };
}

function outcomes(contacts: readonly string[], n: number): ActivityWrite[] {
  return Array.from({ length: n }, (_, i) => ({
    outcomeId: `lag-${i}`,
    lead: { objectType: "contacts", crmId: contacts[i % contacts.length] as string },
    call: { direction: "outbound", startedAt: "2026-05-01T09:00:00.000Z", durationSec: 10, subject: "Call" },
  }));
}

const kinds = (results: WriteResult[]) =>
  results.map((r) => (r.ok ? (r.alreadyExisted ? "existed" : "created") : `${r.error.kind}`));

function callsPerOutcome(sandbox: RunningHubspotSandbox["sandbox"]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const call of sandbox.calls()) {
    const id = call.properties.telesync_outcome_id ?? "";
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

describe("HubSpot writes stay exactly-once while the search index lags", () => {
  it("responses lost after apply with a 10 s index lag: N outcomes → exactly N calls", async () => {
    const { sandbox, connector } = await setup({ indexDelayMs: 10_000 });
    sandbox.setNow("2026-05-01T09:00:00Z");
    const contacts = sandbox.seedContacts(20);
    const batch = outcomes(contacts, 150); // two batch requests
    sandbox.injectFault({ kind: "lost-response", count: 2, match: { kind: "calls.batchCreate" } });

    const first = await connector.writeActivities(batch, { checkExisting: false });
    expect(new Set(kinds(first))).toEqual(new Set(["retry"]));
    expect(sandbox.calls()).toHaveLength(150);

    // Retries inside the lag: the search misses every call; none may be created again.
    for (let i = 0; i < 3; i++) {
      sandbox.advance(3_000);
      const early = await connector.writeActivities(batch, { checkExisting: true });
      expect(early.every((r) => !r.ok && r.error.kind === "retry" && r.error.ambiguous)).toBe(true);
    }
    expect(sandbox.calls()).toHaveLength(150);

    sandbox.advance(1_000); // 10 s after the creates: indexed
    const settled = await connector.writeActivities(batch, { checkExisting: true });
    expect(new Set(kinds(settled))).toEqual(new Set(["existed"]));
    expect(sandbox.calls()).toHaveLength(150);
    expect([...callsPerOutcome(sandbox).values()].every((n) => n === 1)).toBe(true);
    expect(callsPerOutcome(sandbox).size).toBe(150);
  });

  it("an answered create is remembered in Redis: a retry (crash before acknowledging) finds it without a search, from another worker too", async () => {
    const { sandbox, connector, redis } = await setup({ indexDelayMs: 10_000 });
    const contacts = sandbox.seedContacts(3);
    const batch = outcomes(contacts, 5);
    const created = await connector.writeActivities(batch, { checkExisting: false });
    expect(kinds(created)).toEqual(["created", "created", "created", "created", "created"]);
    const other = await setup({}, {}, redis.prefix);
    const searchesBefore = sandbox.stats().byKind["calls.search"] ?? 0;
    const retried = await other.connector.writeActivities(batch, { checkExisting: true });
    expect(kinds(retried)).toEqual(["existed", "existed", "existed", "existed", "existed"]);
    expect(retried.map((r) => (r.ok ? r.activityId : ""))).toEqual(
      created.map((r) => (r.ok ? r.activityId : "")),
    );
    expect(sandbox.stats().byKind["calls.search"] ?? 0).toBe(searchesBefore);
    expect(sandbox.calls()).toHaveLength(5);
  });

  it("a create that never reached HubSpot is written once the inconclusive period has passed", async () => {
    // Small real durations: the sent mark lives in Redis (PX), which keeps real time.
    const { sandbox, connector } = await setup(
      { indexDelayMs: 10_000 },
      { requestTimeoutMs: 200, searchIndexLagMs: 300 },
    );
    const contacts = sandbox.seedContacts(2);
    const batch = outcomes(contacts, 4);
    sandbox.injectFault({ kind: "timeout", delayMs: 1_000, match: { kind: "calls.batchCreate" } });
    const lost = await connector.writeActivities(batch, { checkExisting: false });
    expect(new Set(kinds(lost))).toEqual(new Set(["retry"]));
    expect(sandbox.calls()).toHaveLength(0);
    let results = await connector.writeActivities(batch, { checkExisting: true });
    for (let i = 0; i < 50 && results.some((r) => !r.ok); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      results = await connector.writeActivities(batch, { checkExisting: true });
    }
    expect(kinds(results)).toEqual(["created", "created", "created", "created"]);
    expect(sandbox.calls()).toHaveLength(4);
  });

  it("a create HubSpot refused (400, nothing applied) is not left in doubt: the retry writes at once", async () => {
    const { sandbox, connector } = await setup({ indexDelayMs: 10_000, retryAfter: false });
    const contacts = sandbox.seedContacts(2);
    const batch = outcomes(contacts, 2);
    sandbox.injectFault({ kind: "server-error", status: 400, match: { kind: "calls.batchCreate" } });
    const refused = await connector.writeActivities(batch, { checkExisting: false });
    expect(refused.every((r) => !r.ok)).toBe(true);
    const retried = await connector.writeActivities(batch, { checkExisting: true });
    expect(kinds(retried)).toEqual(["created", "created"]);
  });
});
