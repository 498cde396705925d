import { type CrmSandbox, startSandbox } from "@telesync/sandbox";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { salesforceIntegrationSchema } from "../../../connectors/salesforce/config.js";
import { SalesforceConnector } from "../../../connectors/salesforce/connector.js";
import type { ActivityWrite, PullPage } from "../../../connectors/types.js";
import { RedisTokenStore } from "../../../src/runtime/redis-token-store.js";
import { dropPrefix, redisUrl, uniquePrefix } from "../../support/redis.js";
import { collect, testContext } from "./helpers.js";

const T0 = Date.parse("2026-03-02T10:00:00.000Z");
const minutes = (n: number) => new Date(T0 + n * 60_000);
const where = "Status = 'Open - Not Contacted'";

let sandbox: CrmSandbox;
let redis: Redis;
let prefix: string;
let tokens: RedisTokenStore;

beforeAll(async () => {
  sandbox = await startSandbox();
  redis = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });
});
afterAll(async () => {
  await sandbox.close();
  redis.disconnect();
});
beforeEach(() => {
  prefix = uniquePrefix();
  tokens = new RedisTokenStore(redis, prefix);
  sandbox.salesforce.setNow(minutes(0));
});
afterEach(async () => {
  sandbox.salesforce.setNow(undefined);
  sandbox.salesforce.clearFaults();
  await dropPrefix(prefix);
});

/** A connector on the sandbox over real HTTP, on the sandbox's clock. */
function connector(requestTimeoutMs?: number, overrides: Record<string, unknown> = {}): SalesforceConnector {
  const { clientId, clientSecret, refreshToken } = sandbox.salesforce.credentials;
  const config = salesforceIntegrationSchema.parse({
    vendor: "salesforce",
    instanceUrl: sandbox.url,
    loginUrl: sandbox.url,
    auth: { type: "refresh_token", clientId, clientSecret, refreshToken },
    ...overrides,
  });
  return new SalesforceConnector(config, testContext(tokens), {
    now: () => sandbox.salesforce.now().getTime(),
    ...(requestTimeoutMs ? { requestTimeoutMs } : {}),
  });
}

const ids = (pages: PullPage[]) => pages.flatMap((p) => p.records.map((r) => r.id));
const removed = (pages: PullPage[]) => pages.flatMap((p) => p.removedRefs);

describe("Salesforce connector against the built-in sandbox", () => {
  it("pages through more than 2,000 records that all share one SystemModstamp, and resumes mid-way", async () => {
    const campaign = sandbox.salesforce.createCampaign(`paging-${prefix}`);
    const seeded = sandbox.salesforce.seedLeads(4_500, { campaignId: campaign, seed: 7 });
    sandbox.salesforce.setNow(minutes(1));
    const select = {
      object: "Lead",
      where: `Id IN (SELECT LeadId FROM CampaignMember WHERE CampaignId = '${campaign}')`,
    };

    const pages = await collect(
      connector().pull({ select, fields: ["Phone", "LastName"], cursor: undefined, sourceId: "paging" }),
    );
    const recordPages = pages.filter((p) => p.records.length > 0);
    expect(recordPages.map((p) => p.records.length)).toEqual([2000, 2000, 500]);
    expect(new Set(ids(pages)).size).toBe(4_500);
    expect(new Set(ids(pages))).toEqual(new Set(seeded));

    // Resume after the first page: exactly the rest, though every record ties on SystemModstamp.
    const resumed = await collect(
      connector().pull({ select, fields: ["Phone"], cursor: recordPages[0]?.cursor, sourceId: "paging" }),
    );
    expect(ids(resumed)).toEqual(ids(pages).slice(2000));
  });

  it("reports deleted records and records that no longer match the where", async () => {
    const campaign = sandbox.salesforce.createCampaign(`leavers-${prefix}`);
    const [a, b, c, d, e] = sandbox.salesforce.seedLeads(5, { campaignId: campaign, seed: 11 });
    const select = {
      object: "Lead",
      where: `${where} AND Id IN (SELECT LeadId FROM CampaignMember WHERE CampaignId = '${campaign}')`,
    };
    sandbox.salesforce.setNow(minutes(1));
    const first = await collect(
      connector().pull({ select, fields: ["Phone"], cursor: undefined, sourceId: "leavers" }),
    );
    expect(ids(first)).toHaveLength(5);

    sandbox.salesforce.setNow(minutes(3));
    sandbox.salesforce.delete("Lead", a!);
    sandbox.salesforce.delete("Lead", b!);
    sandbox.salesforce.update("Lead", c!, { Status: "Working - Contacted" });
    sandbox.salesforce.update("Lead", d!, { Phone: "(415) 555-0199", DoNotCall: true });
    sandbox.salesforce.setNow(minutes(5));

    const second = await collect(
      connector().pull({
        select,
        fields: ["Phone", "DoNotCall"],
        cursor: first.at(-1)?.cursor,
        sourceId: "leavers",
      }),
    );
    expect(ids(second)).toEqual([d]);
    expect(second[0]?.records[0]?.fields).toMatchObject({ Phone: "(415) 555-0199", DoNotCall: true });
    // Leaver ids are every recently changed record outside the where (here: other tests' leads too);
    // the core ignores refs it does not hold.
    expect(removed(second)).toEqual(expect.arrayContaining([a, b, c]));
    expect(removed(second)).not.toContain(d);
    expect(removed(second)).not.toContain(e);
  });

  it("follows campaign members added, removed, re-statused, and edits to their leads", async () => {
    const campaign = sandbox.salesforce.createCampaign(`members-${prefix}`);
    const leads = sandbox.salesforce.seedLeads(4, { seed: 13 });
    const [l1, l2, l3, l4] = leads as [string, string, string, string];
    const m1 = sandbox.salesforce.addCampaignMember(campaign, l1, "Sent");
    const m2 = sandbox.salesforce.addCampaignMember(campaign, l2, "Sent");
    const m3 = sandbox.salesforce.addCampaignMember(campaign, l3, "Planned");
    const select = { campaignId: campaign, memberStatuses: ["Sent", "Responded"] };
    sandbox.salesforce.setNow(minutes(1));

    const first = await collect(
      connector().pull({ select, fields: ["Phone", "FirstName"], cursor: undefined, sourceId: "members" }),
    );
    // Members first; then the members' leads changed since the pull began (minus the clock-skew margin),
    // which here is all of them: re-reading a record is harmless, missing an edit is not.
    const firstRecords = first.flatMap((p) =>
      p.records.map((r) => [r.id, r.sourceRef, r.membership?.status]),
    );
    expect(firstRecords).toEqual([
      [l1, m1, "Sent"],
      [l2, m2, "Sent"],
      [l1, m1, "Sent"],
      [l2, m2, "Sent"],
    ]);
    expect(removed(first)).toEqual([m3]);

    sandbox.salesforce.setNow(minutes(3));
    const m4 = sandbox.salesforce.addCampaignMember(campaign, l4, "Responded");
    sandbox.salesforce.removeCampaignMember(m2);
    sandbox.salesforce.update("Lead", l1, { Phone: "(212) 555-0142" });
    sandbox.salesforce.update("CampaignMember", m3, { Status: "Sent" });
    sandbox.salesforce.setNow(minutes(5));

    const second = await collect(
      connector().pull({
        select,
        fields: ["Phone", "FirstName"],
        cursor: first.at(-1)?.cursor,
        sourceId: "members",
      }),
    );
    const records = second.flatMap((p) => p.records);
    // A member may come from both streams in one pull (its row and its lead changed): same data twice.
    const pairs = new Set(records.map((r) => `${r.id}/${r.sourceRef}`));
    expect([...pairs].sort()).toEqual([`${l1}/${m1}`, `${l3}/${m3}`, `${l4}/${m4}`].sort());
    expect(records.find((r) => r.id === l1)?.fields.Phone).toBe("(212) 555-0142");
    // Deleted members come from the org-wide CampaignMember list (here with other tests' members too).
    expect(removed(second)).toEqual(expect.arrayContaining([m2]));
    for (const kept of [m1, m3, m4]) expect(removed(second)).not.toContain(kept);

    sandbox.salesforce.setNow(minutes(7));
    sandbox.salesforce.update("CampaignMember", m4, { Status: "Planned" });
    sandbox.salesforce.setNow(minutes(9));
    const third = await collect(
      connector().pull({ select, fields: ["Phone"], cursor: second.at(-1)?.cursor, sourceId: "members" }),
    );
    expect(ids(third)).toEqual([]);
    expect(removed(third)).toEqual([m4]);
  });

  it("writes Tasks and updates with per-record failures, and finds the Task after a lost response", async () => {
    const [l1, l2] = sandbox.salesforce.seedLeads(2, { seed: 17 }) as [string, string];
    const unlock = sandbox.salesforce.rejectRecord(
      (record, info) => info.type === "Lead" && record.Id === l2 && info.operation === "update",
      { message: "Status cannot change while under review", fields: ["Status"] },
    );
    const item = (outcomeId: string, crmId: string): ActivityWrite => ({
      outcomeId,
      lead: { objectType: "Lead", crmId },
      call: {
        direction: "outbound",
        startedAt: "2026-03-02T09:58:00Z",
        durationSec: 42,
        disposition: "Connected",
        subject: "Call: Connected",
      },
      leadUpdates: { Status: "Working - Contacted" },
    });
    const sf = connector();

    sandbox.salesforce.injectFault({ kind: "lost-response", match: "composite" });
    const lost = await sf
      .writeActivities([item(`o1-${prefix}`, l1), item(`o2-${prefix}`, l2)], { checkExisting: false })
      .catch((e: unknown) => e);
    expect(sf.classifyError(lost)).toMatchObject({ kind: "retry", ambiguous: true });

    const retried = await sf.writeActivities([item(`o1-${prefix}`, l1), item(`o2-${prefix}`, l2)], {
      checkExisting: true,
    });
    expect(retried[0]).toMatchObject({ ok: true, alreadyExisted: true });
    expect(retried[1]).toMatchObject({
      ok: false,
      error: {
        kind: "permanent",
        code: "FIELD_CUSTOM_VALIDATION_EXCEPTION",
        reason: expect.stringMatching(/^Task \w+ is stored; Lead/),
      },
    });
    const tasks = sandbox.salesforce.all("Task").filter((t) => String(t.CallObject).endsWith(prefix));
    expect(tasks).toHaveLength(2);
    expect(tasks[0]).toMatchObject({
      TaskSubtype: "Call",
      CallType: "Outbound",
      CallDurationInSeconds: 42,
      WhoId: l1,
      Status: "Completed",
    });
    expect(sandbox.salesforce.get("Lead", l1)?.Status).toBe("Working - Contacted");
    unlock();
  });

  it("gives up on a hung request after its timeout (ambiguous), and reads a 429's Retry-After", async () => {
    const [lead] = sandbox.salesforce.seedLeads(1, { seed: 19 }) as [string];
    const write = (sf: SalesforceConnector) =>
      sf
        .writeConsent([{ id: "c1", lead: { objectType: "Lead", crmId: lead }, doNotCall: true }])
        .catch((e: unknown) => e);

    sandbox.salesforce.injectFault({ kind: "timeout", match: "composite" });
    const hung = connector(300);
    expect(hung.classifyError(await write(hung))).toMatchObject({ kind: "retry", ambiguous: true });

    sandbox.salesforce.injectFault({
      kind: "rate-limit",
      status: 429,
      retryAfterSeconds: 12,
      match: "composite",
    });
    const limited = connector();
    expect(limited.classifyError(await write(limited))).toMatchObject({
      kind: "rate-limited",
      scope: "burst",
      waitMs: 12_000,
    });

    sandbox.salesforce.injectFault({ kind: "rate-limit", match: "composite" });
    expect(limited.classifyError(await write(limited))).toMatchObject({
      kind: "rate-limited",
      scope: "daily",
    });
  });

  it("a slow CRM: a write gives up after requestTimeoutMs (seconds by default, not minutes), and the retry finds the Task by CallObject", async () => {
    expect(salesforceIntegrationSchema.shape.requestTimeoutMs.parse(undefined)).toBeLessThanOrEqual(30_000);
    const [lead] = sandbox.salesforce.seedLeads(1, { seed: 23 }) as [string];
    const item: ActivityWrite = {
      outcomeId: `slow-${prefix}`,
      lead: { objectType: "Lead", crmId: lead },
      call: { direction: "outbound", startedAt: "2026-03-02T09:58:00Z", durationSec: 5, subject: "Call" },
    };
    // Answered (and applied) after 1.5 s; the connector waits 300 ms for writes, queries keep their own deadline.
    sandbox.salesforce.injectFault({ kind: "timeout", delayMs: 1_500, match: "composite" });
    const sf = connector(undefined, { requestTimeoutMs: 300 });
    const [first] = await sf
      .writeActivities([item], { checkExisting: false })
      .catch((e: unknown) => [{ ok: false as const, error: sf.classifyError(e) }]);
    expect(first).toMatchObject({ ok: false, error: { kind: "retry", ambiguous: true } });
    const stored = () => sandbox.salesforce.all("Task").filter((t) => t.CallObject === item.outcomeId);
    for (let i = 0; i < 40 && stored().length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    const [retried] = await sf.writeActivities([item], { checkExisting: true });
    expect(retried).toMatchObject({ ok: true, alreadyExisted: true });
    expect(stored()).toHaveLength(1);
  });

  it("refreshes an expired token, shares it, and retries", async () => {
    const sf = connector();
    await sf.verifyCredentials();
    const before = await tokens.get("sf");
    sandbox.salesforce.expireTokens();
    await sf.describe("Lead");
    const after = await tokens.get("sf");
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
  });
});
