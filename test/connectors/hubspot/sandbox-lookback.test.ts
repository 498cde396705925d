import { afterEach, describe, expect, it } from "vitest";
import { HubspotConnector } from "../../../connectors/hubspot/connector.js";
import { rewind } from "../../../connectors/hubspot/pull-search.js";
import type { PullPage } from "../../../connectors/types.js";
import { type RunningHubspotSandbox, startHubspotSandbox } from "../../sandbox/hubspot/start.js";
import { collect, hubspotConfig, redisContext } from "./support.js";

let running: RunningHubspotSandbox | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await running?.close();
  running = undefined;
});

const select = {
  search: { filterGroups: [{ filters: [{ propertyName: "hs_lead_status", operator: "EQ", value: "NEW" }] }] },
};
const ids = (pages: PullPage[]) => pages.flatMap((p) => p.records.map((r) => r.id));
const lastCursor = (pages: PullPage[]) => pages.at(-1)?.cursor;

describe("HubSpot incremental search tolerates a lagging index (look-back + de-duplication)", () => {
  it("moves a finished position back by the window; a walk inside one timestamp resumes as is", () => {
    expect(rewind({ t: 1_000_000, op: "GT" }, 300_000)).toEqual({ t: 700_000, op: "GTE" });
    expect(rewind({ t: 100, op: "GT" }, 300_000)).toEqual({ t: 0, op: "GTE" });
    expect(rewind({ t: 1_000_000, afterId: "55" }, 300_000)).toEqual({ t: 1_000_000, afterId: "55" });
    expect(rewind({ t: 0, op: "GTE" }, 300_000)).toEqual({ t: 0, op: "GTE" });
  });

  it("a contact modified before a pull but indexed after it is found by the next pull; nothing comes twice", async () => {
    running = await startHubspotSandbox();
    const { sandbox } = running;
    const redis = await redisContext("hs1");
    const connector = new HubspotConnector(hubspotConfig(running.basePath), redis.ctx, {
      now: () => sandbox.now(),
    });
    cleanups.push(
      () => connector.close(),
      () => redis.close(),
    );
    const pull = (cursor: unknown) =>
      collect(connector.pull({ select, fields: ["phone"], cursor, sourceId: "s" }));

    sandbox.setNow("2026-05-01T10:00:00Z");
    const early = sandbox.seedContacts(3, { properties: () => ({ hs_lead_status: "NEW" }) });
    const first = await pull(undefined);
    expect(ids(first).sort()).toEqual([...early].sort());

    // 10:00:30: contact L is written but reaches the index 10 s later; 10:00:31: M, indexed at once.
    sandbox.advance(30_000);
    sandbox.setIndexDelay(10_000);
    const [late] = sandbox.seedContacts(1, { properties: () => ({ hs_lead_status: "NEW" }) }) as [string];
    sandbox.setIndexDelay(0);
    sandbox.advance(1_000);
    const [prompt] = sandbox.seedContacts(1, { properties: () => ({ hs_lead_status: "NEW" }) }) as [string];
    sandbox.advance(1_000);
    const second = await pull(lastCursor(first));
    expect(ids(second)).toEqual([prompt]); // L is not searchable yet; the cursor moves past 10:00:31

    sandbox.advance(10_000); // L is indexed now, with its 10:00:30 lastmodifieddate
    const third = await pull(lastCursor(second));
    expect(ids(third)).toEqual([late]);

    const fourth = await pull(lastCursor(third));
    expect(ids(fourth)).toEqual([]);
    // An edit inside the window is a new version: it comes again.
    sandbox.updateContact(prompt, { firstname: "Changed" });
    expect(ids(await pull(lastCursor(fourth)))).toEqual([prompt]);
  });
});
