import { afterEach, describe, expect, it } from "vitest";
import { HubspotConnector } from "../../../connectors/hubspot/connector.js";
import { type RunningHubspotSandbox, startHubspotSandbox } from "../../sandbox/hubspot/start.js";
import { uniquePrefix } from "../../support/redis.js";
import { hubspotConfig, redisContext } from "./support.js";

let running: RunningHubspotSandbox | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  await running?.close();
  running = undefined;
});

describe("HubSpot burst limit shared through Redis", () => {
  it("two connector instances with their own Redis clients stay under the account's limit together", async () => {
    const limit = 12;
    running = await startHubspotSandbox({ burstLimit: limit });
    running.sandbox.seedContacts(3);
    const prefix = uniquePrefix();
    const workers = await Promise.all(
      [0, 1].map(async () => {
        const redis = await redisContext("hs1", prefix);
        const connector = new HubspotConnector(
          hubspotConfig(running?.basePath ?? "", { burstLimitPer10s: limit }),
          redis.ctx,
        );
        cleanups.push(async () => {
          await connector.close();
          await redis.close();
        });
        return connector;
      }),
    );
    // Arrival times at the CRM, taken by the server itself, independent of the limiter under test.
    const arrivals: number[] = [];
    running.app.server.on("request", () => arrivals.push(performance.now()));
    // 2 × 8 = 16 requests: 12 may go at once, the other 4 wait for the window to roll.
    await Promise.all(workers.flatMap((w) => Array.from({ length: 8 }, () => w.verifyCredentials())));
    const stats = running.sandbox.stats();
    // Every check answered exactly once. On a slow machine a request admitted just as the shared window
    // rolled can reach the CRM a few ms inside its window and get a 429: it is waited out and repeated.
    expect(stats.byStatus["200"]).toBe(16);
    expect(stats.byKind["contacts.list"]).toBe(16 + (stats.rateLimited.TEN_SECONDLY_ROLLING ?? 0));
    // One budget for both instances: the 13th request waits for the window to roll (10 s). Had each
    // instance kept its own budget of 12, all 16 would have arrived together. Delays on a busy machine
    // only push arrivals later, so half a window is a safe place to count.
    const first = arrivals[0] ?? 0;
    expect(arrivals.filter((at) => at < first + 5_000)).toHaveLength(limit);
    console.info(
      `[hubspot] 16 requests from 2 workers at ${limit}/10 s: ${Math.round((arrivals.at(-1) ?? 0) - first)} ms, ${stats.byKind["contacts.list"]} sent`,
    );
  }, 30_000);
});
