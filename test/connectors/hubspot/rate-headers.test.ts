import { afterEach, describe, expect, it } from "vitest";
import { HubspotConnector } from "../../../connectors/hubspot/connector.js";
import { burstBudget, parseRateHeaders } from "../../../connectors/hubspot/rate-headers.js";
import { type RunningHubspotSandbox, startHubspotSandbox } from "../../sandbox/hubspot/start.js";
import { hubspotConfig, redisContext } from "./support.js";

let running: RunningHubspotSandbox | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await running?.close();
  running = undefined;
});

async function connect(config: Record<string, unknown>, prefix?: string) {
  const redis = await redisContext("hs1", prefix);
  const connector = new HubspotConnector(hubspotConfig(running?.basePath ?? "", config), redis.ctx);
  cleanups.push(
    () => connector.close(),
    () => redis.close(),
  );
  return { connector, redis };
}

describe("HubSpot rate-limit headers (X-HubSpot-RateLimit-*, API usage guidelines)", () => {
  it("parses the documented headers, in any case", () => {
    expect(
      parseRateHeaders({
        "X-HubSpot-RateLimit-Max": "190",
        "X-HubSpot-RateLimit-Remaining": "37",
        "X-HubSpot-RateLimit-Interval-Milliseconds": "10000",
        "X-HubSpot-RateLimit-Daily": "1000000",
        "X-HubSpot-RateLimit-Daily-Remaining": "999000",
      }),
    ).toEqual({ max: 190, remaining: 37, intervalMs: 10_000, dailyRemaining: 999_000 });
    expect(parseRateHeaders({ "content-type": "application/json" })).toBeUndefined();
    expect(
      parseRateHeaders({ "x-hubspot-ratelimit-max": "0", "x-hubspot-ratelimit-remaining": "0" }),
    ).toBeUndefined();
  });

  it("paces by the lower of the reported limit and the configured tier (scaled to the reported interval)", () => {
    expect(burstBudget(190, undefined)).toEqual({ max: 190, windowMs: 10_000 });
    expect(burstBudget(190, { max: 100, intervalMs: 10_000 })).toEqual({ max: 100, windowMs: 10_000 });
    expect(burstBudget(100, { max: 250, intervalMs: 10_000 })).toEqual({ max: 100, windowMs: 10_000 });
    expect(burstBudget(100, { max: 30, intervalMs: 2_000 })).toEqual({ max: 20, windowMs: 2_000 });
  });

  it("a real limit lower than the configured tier: the connector follows the headers and meets (almost) no 429", async () => {
    // Configured for 100 per 10 s; the account really allows 12 per 2 s (the headers say so).
    running = await startHubspotSandbox({ burstLimit: 12, burstWindowMs: 2_000, retryAfter: false });
    running.sandbox.seedContacts(3);
    const { connector } = await connect({ burstLimitPer10s: 100 });
    const requests = 60;
    for (let i = 0; i < requests; i += 6)
      await Promise.all(Array.from({ length: 6 }, () => connector.verifyCredentials()));
    const stats = running.sandbox.stats();
    const limited = Object.values(stats.rateLimited).reduce((a, b) => a + b, 0);
    expect(stats.byKind["contacts.list"]).toBe(requests + limited);
    expect(limited / (requests + limited)).toBeLessThan(0.01);
    expect(stats.observed.burstMax).toBeLessThanOrEqual(12);
  }, 60_000);

  it("requests other apps made on the account (reported by Remaining) are waited for, not run into", async () => {
    running = await startHubspotSandbox({ burstLimit: 10, burstWindowMs: 2_000, retryAfter: false });
    running.sandbox.seedContacts(1);
    const { connector } = await connect({ burstLimitPer10s: 100 });
    await connector.verifyCredentials(); // learns 10 per 2 s
    // Another app spends 8 of the 10.
    for (let i = 0; i < 8; i++) {
      const answer = await fetch(`${running.basePath}/crm/v3/objects/contacts?limit=1`, {
        headers: { authorization: "Bearer sandbox-token" },
      });
      expect(answer.status).toBe(200);
    }
    await connector.verifyCredentials(); // sees Remaining 0 and counts the other app's 8
    await Promise.all(Array.from({ length: 6 }, () => connector.verifyCredentials()));
    expect(running.sandbox.stats().rateLimited).toEqual({});
  }, 30_000);

  it("a write's 429 pauses the burst budget only: searches go on", async () => {
    running = await startHubspotSandbox();
    running.sandbox.seedContacts(5, { properties: () => ({ hs_lead_status: "NEW" }) });
    const { connector, redis } = await connect({});
    // What a TEN_SECONDLY_ROLLING 429 on calls/batch/create does: pause the account's burst budget.
    await redis.rateLimiter.pause("hubspot:hs1:burst", 120_000, "write answered 429");
    const select = {
      search: {
        filterGroups: [{ filters: [{ propertyName: "hs_lead_status", operator: "EQ", value: "NEW" }] }],
      },
    };
    const found: string[] = [];
    const pulling = (async () => {
      for await (const page of connector.pull({
        select,
        fields: ["phone"],
        cursor: undefined,
        sourceId: "s",
      }))
        found.push(...page.records.map((record) => record.id));
    })();
    // Every search page arrives; only the archived-contacts scan (a plain GET) waits for the burst budget.
    await expect(pulling).rejects.toThrow(/burst paused/);
    expect(found).toHaveLength(5);
  }, 20_000);
});
