import { afterEach, describe, expect, it } from "vitest";
import { HubspotConnector } from "../../../connectors/hubspot/connector.js";
import { phoneQuery } from "../../../src/lookup/phone-forms.js";
import { type RunningHubspotSandbox, startHubspotSandbox } from "../../sandbox/hubspot/start.js";
import { hubspotConfig, redisContext } from "./support.js";

let running: RunningHubspotSandbox | undefined;
let closeRedis: (() => Promise<void>) | undefined;
let connector: HubspotConnector | undefined;

afterEach(async () => {
  await connector?.close();
  await running?.close();
  await closeRedis?.();
  connector = undefined;
  running = undefined;
  closeRedis = undefined;
});

const phone = (i: number) => `+1415555${String(i).padStart(4, "0")}`;

describe("screen pops within HubSpot's search budget (sandbox enforcing 5 searches/s, limiter in Redis)", () => {
  it("60 numbers in three waves: each answered with its own contact, searches shared, never a 429 or a 6th search in a second", async () => {
    // HubSpot: 5 search requests per second per account (the sandbox answers the 6th with a 429).
    running = await startHubspotSandbox({ searchPerSecond: 5 });
    const ids = running.sandbox.seedContacts(60);
    const redis = await redisContext("hs1");
    closeRedis = redis.close;
    connector = new HubspotConnector(hubspotConfig(running.basePath), redis.ctx);
    const found = connector;
    const lookup = async (i: number) => {
      const query = phoneQuery(phone(i), "US");
      if (!query) throw new Error("invalid test number");
      return (await found.findByPhone(query)).map((match) => match.id);
    };
    // Waves that arrive while earlier searches wait for their slots or their pace.
    const waves = [0, 20, 40].map((first) => Array.from({ length: 20 }, (_, i) => first + i));
    const answers: Array<Promise<string[]>> = [];
    for (const wave of waves) {
      answers.push(...wave.map(lookup));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const results = await Promise.all(answers);
    // seedContacts gives contact i the number +1415555000i: each lookup finds that contact alone.
    expect(results).toEqual(ids.map((id) => [id]));
    const stats = running.sandbox.stats();
    expect(stats.rateLimited).toEqual({});
    expect(stats.observed.searchPerSecondMax).toBeLessThanOrEqual(5);
    // Shared: far fewer searches than numbers (each search carries as many numbers as its filters fit).
    expect(stats.byKind["contacts.search"] ?? 0).toBeLessThan(60 / 2);
  });
});
