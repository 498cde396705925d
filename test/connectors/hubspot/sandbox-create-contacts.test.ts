import { afterEach, describe, expect, it } from "vitest";
import { HubspotConnector } from "../../../connectors/hubspot/connector.js";
import type { LeadCreate } from "../../../connectors/types.js";
import { type RunningHubspotSandbox, startHubspotSandbox } from "../../sandbox/hubspot/start.js";
import { hubspotConfig, redisContext } from "./support.js";

let running: RunningHubspotSandbox | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of cleanups.splice(0).reverse()) await close();
  await running?.close();
  running = undefined;
});

async function setup() {
  running = await startHubspotSandbox({});
  const redis = await redisContext("hs1");
  const connector = new HubspotConnector(hubspotConfig(running.basePath), redis.ctx, {
    sleep: async () => {},
  });
  cleanups.push(
    () => connector.close(),
    () => redis.close(),
  );
  return { sandbox: running.sandbox, connector };
}

const creates = (n: number): LeadCreate[] =>
  Array.from({ length: n }, (_, i) => ({
    createId: `tsl-${i}`,
    objectType: "contacts",
    idField: "telesync_inbound_id",
    fields: { phone: `+1646867${1000 + i}`, lastname: "Unknown caller" },
  }));

describe("HubSpot create-lead: batch upsert by a unique property (sandbox, real SDK over HTTP)", () => {
  it("creates each contact once, also when the answer is lost after HubSpot applied it", async () => {
    const { sandbox, connector } = await setup();
    const before = sandbox.contacts().length;
    sandbox.injectFault({ kind: "lost-response", count: 1, match: { kind: "contacts.batchUpsert" } });
    const batch = creates(120); // two requests of at most 100
    // The transport repeats an idempotent request after an ambiguous failure: the upsert finds the first.
    const first = await connector.createLeads(batch);
    expect(first.every((r) => r.ok)).toBe(true);
    // Two requests and the repeat of the one whose answer was lost.
    expect(sandbox.stats().byKind["contacts.batchUpsert"]).toBe(3);
    expect(sandbox.contacts()).toHaveLength(before + 120);
    // A later retry of the whole job (e.g. after a worker crash) names the same contacts.
    const again = await connector.createLeads(batch);
    expect(sandbox.contacts()).toHaveLength(before + 120);
    expect(again.map((r) => (r.ok ? [r.crmId, r.created] : r.error.kind))).toEqual(
      first.map((r) => (r.ok ? [r.crmId, false] : "failed")),
    );
    for (const [i, result] of first.entries()) {
      const contact = sandbox.contacts().find((c) => c.id === (result.ok ? result.crmId : ""));
      expect(contact?.properties).toMatchObject({
        telesync_inbound_id: `tsl-${i}`,
        phone: `+1646867${1000 + i}`,
      });
    }
  });

  it("describes the id property as unique, so check --live can require it", async () => {
    const { connector } = await setup();
    const fields = await connector.describe("contacts");
    expect(fields.find((f) => f.name === "telesync_inbound_id")?.unique).toBe(true);
    expect(fields.find((f) => f.name === "phone")?.unique).toBeUndefined();
  });
});
