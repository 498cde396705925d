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
    const started = performance.now();
    // 2 × 8 = 16 requests: 12 go at once, the other 4 wait for the window to roll.
    await Promise.all(workers.flatMap((w) => Array.from({ length: 8 }, () => w.verifyCredentials())));
    const elapsed = performance.now() - started;
    const stats = running.sandbox.stats();
    expect(stats.byKind["contacts.list"]).toBe(16);
    expect(stats.rateLimited).toEqual({});
    expect(stats.observed.burstMax).toBeLessThanOrEqual(limit);
    expect(elapsed).toBeGreaterThanOrEqual(10_000);
    console.info(
      `[hubspot] 16 requests from 2 workers at ${limit}/10 s: ${Math.round(elapsed)} ms, burst max ${stats.observed.burstMax}`,
    );
  }, 30_000);
});
