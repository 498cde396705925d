import { afterEach, describe, expect, it } from "vitest";
import { HubspotConnector } from "../../../connectors/hubspot/connector.js";
import type { ActivityWrite } from "../../../connectors/types.js";
import { type RunningHubspotSandbox, startHubspotSandbox } from "../../sandbox/hubspot/start.js";
import { hubspotConfig, redisContext } from "./support.js";

let running: RunningHubspotSandbox | undefined;
const redises: Awaited<ReturnType<typeof redisContext>>[] = [];
const connectors: HubspotConnector[] = [];

afterEach(async () => {
  for (const c of connectors.splice(0)) await c.close();
  await running?.close();
  for (const r of redises.splice(0)) await r.close();
  running = undefined;
});

async function connect(config: Record<string, unknown> = {}) {
  running = await startHubspotSandbox();
  const redis = await redisContext("hs1");
  redises.push(redis);
  // Retries without waiting: the tests assert what is retried, not how long the backoff is.
  const connector = new HubspotConnector(hubspotConfig(running.basePath, config), redis.ctx, {
    sleep: async () => {},
  });
  connectors.push(connector);
  return { connector, sandbox: running.sandbox };
}

function write(
  outcomeId: string,
  objectType: string,
  crmId: string,
  extra: Partial<ActivityWrite> = {},
): ActivityWrite {
  return {
    outcomeId,
    lead: { objectType, crmId },
    call: {
      direction: "outbound",
      startedAt: "2026-11-30T15:00:00Z",
      durationSec: 42,
      status: "COMPLETED",
      subject: "Call: connected",
    },
    ...extra,
  };
}

describe("HubSpot connector on the sandbox: companies and custom objects", () => {
  it("looks the custom object's call association up once (labels API) and associates every call by it", async () => {
    const { connector, sandbox } = await connect();
    const donors = sandbox.seedDonors(3);
    const first = await connector.writeActivities(
      [write("d-1", "p62515_donors", donors[0] as string), write("d-2", "2-3508482", donors[1] as string)],
      { checkExisting: false },
    );
    const second = await connector.writeActivities([write("d-3", "p_donors", donors[2] as string)], {
      checkExisting: false,
    });
    expect([...first, ...second].every((r) => r.ok)).toBe(true);
    // One lookup per object name the leads carry (three spellings of one object here), never per batch.
    expect(sandbox.stats().byKind["associations.labels"]).toBe(3);
    const again = await connector.writeActivities([write("d-4", "p_donors", donors[2] as string)], {
      checkExisting: false,
    });
    expect(again[0]?.ok).toBe(true);
    expect(sandbox.stats().byKind["associations.labels"]).toBe(3);
    const typeIds = sandbox.calls().map((c) => c.associated?.typeId);
    // The portal's unlabeled calls → donors type, as its labels API lists it.
    expect(typeIds).toEqual([1201, 1201, 1201, 1201]);
  });

  it("a labels lookup that fails leaves the custom object's calls retryable and unsent; the next batch looks again", async () => {
    const { connector, sandbox } = await connect();
    const [donor] = sandbox.seedDonors(1) as [string];
    sandbox.injectFault({ kind: "server-error", count: 100, match: { kind: "associations.labels" } });
    const [failedWrite] = await connector.writeActivities([write("f-1", "2-3508482", donor)], {
      checkExisting: false,
    });
    expect(failedWrite).toMatchObject({ ok: false, error: { kind: "retry" } });
    expect(sandbox.calls()).toHaveLength(0);
    sandbox.clearFaults();
    const [retried] = await connector.writeActivities([write("f-1", "2-3508482", donor)], {
      checkExisting: true,
    });
    expect(retried).toMatchObject({ ok: true, alreadyExisted: false });
    expect(sandbox.calls().map((c) => c.associated?.typeId)).toEqual([1201]);
  });

  it("company lead updates: properties the company has are written, a contact-only one is skipped; consent on the configured property", async () => {
    const { connector, sandbox } = await connect({
      objects: { companies: { doNotCall: { property: "telesync_do_not_call" } } },
    });
    const [company] = sandbox.seedCompanies(1) as [string];
    const [result] = await connector.writeActivities(
      [
        write("c-1", "companies", company, {
          leadUpdates: { hs_lead_status: "CONNECTED", lifecyclestage: "customer" },
          doNotCall: true,
        }),
      ],
      { checkExisting: false },
    );
    expect(result).toMatchObject({ ok: true });
    expect(sandbox.object("companies", company)?.properties).toMatchObject({
      lifecyclestage: "customer",
      telesync_do_not_call: "true",
    });
    expect(sandbox.object("companies", company)?.properties.hs_lead_status).toBeUndefined();
    expect(sandbox.calls()[0]?.associated).toEqual({ objectType: "companies", id: company, typeId: 182 });
    expect(connector.recordUrl("companies", company)).toBeUndefined();
  });

  it("consent on an object without a do-not-call property is answered ok without a write", async () => {
    const { connector, sandbox } = await connect();
    const [donor] = sandbox.seedDonors(1) as [string];
    const before = sandbox.stats().requests;
    const results = await connector.writeConsent([
      { id: "k-1", lead: { objectType: "2-3508482", crmId: donor }, doNotCall: true },
    ]);
    expect(results).toEqual([{ id: "k-1", ok: true }]);
    expect(sandbox.stats().requests).toBe(before);
    const refused = await connector.writeConsent([
      { id: "k-2", lead: { objectType: "deals", crmId: donor }, doNotCall: true },
    ]);
    expect(refused[0]).toMatchObject({ ok: false, error: { kind: "permanent", code: "INVALID_CONSENT" } });
  });

  it("record links use the object type id: companies 0-2, the custom object's 2-… once its schema is read", async () => {
    const { connector, sandbox } = await connect({ portalId: 62515 });
    const [donor] = sandbox.seedDonors(1) as [string];
    expect(connector.recordUrl("companies", "5")).toBe("https://app.hubspot.com/contacts/62515/record/0-2/5");
    expect(connector.recordUrl("2-3508482", "5")).toBe(
      "https://app.hubspot.com/contacts/62515/record/2-3508482/5",
    );
    // A fully qualified name needs the schemas API: known after the first pull of the source.
    for await (const _page of connector.pull({
      select: { object: "p62515_donors", allRecords: true },
      fields: ["donor_name"],
      cursor: undefined,
      sourceId: "donors",
    }));
    expect(connector.recordUrl("p62515_donors", donor)).toBe(
      `https://app.hubspot.com/contacts/62515/record/2-3508482/${donor}`,
    );
  });

  it("a cursor names its object: a source switched to another object starts over instead of resuming", async () => {
    const { connector, sandbox } = await connect();
    sandbox.seedCompanies(2);
    sandbox.seedContacts(3);
    const pullAll = async (select: unknown, cursor: unknown) => {
      const pages = [];
      for await (const page of connector.pull({ select, fields: [], cursor, sourceId: "s" }))
        pages.push(page);
      return pages;
    };
    const search = { filterGroups: [] };
    const companies = await pullAll({ object: "companies", search }, undefined);
    expect(companies.flatMap((p) => p.records.map((r) => r.objectType))).toEqual(["companies", "companies"]);
    const cursor = companies.at(-1)?.cursor;
    expect(cursor).toMatchObject({ kind: "search", object: "companies" });
    // Resumed on companies: nothing new. The same cursor on contacts: every contact, from the start.
    expect((await pullAll({ object: "companies", search }, cursor)).flatMap((p) => p.records)).toEqual([]);
    const contacts = await pullAll({ search }, cursor);
    expect(contacts.flatMap((p) => p.records.map((r) => r.objectType))).toEqual([
      "contacts",
      "contacts",
      "contacts",
    ]);
    expect(contacts.at(-1)?.cursor).not.toHaveProperty("object");
  });

  it("finds a number on contacts, companies and the custom object's configured phone property", async () => {
    const { connector, sandbox } = await connect({
      objects: { companies: {}, p_donors: { phoneProperties: ["phone_number"] } },
    });
    const [contact] = sandbox.seedContacts(1, { properties: () => ({ phone: "+14155550123" }) }) as [string];
    const [company] = sandbox.seedCompanies(1, { properties: () => ({ phone: "(415) 555-0123" }) }) as [
      string,
    ];
    const [donor] = sandbox.seedDonors(1, { properties: () => ({ phone_number: "4155550123" }) }) as [string];
    const matches = await connector.findByPhone({
      e164: "+14155550123",
      nationalDigits: "4155550123",
      forms: ["+14155550123", "(415) 555-0123", "4155550123"],
    });
    expect(matches.map((m) => [m.objectType, m.id, m.phoneField])).toEqual([
      ["contacts", contact, "phone"],
      ["companies", company, "phone"],
      ["p_donors", donor, "phone_number"],
    ]);
  });
});
