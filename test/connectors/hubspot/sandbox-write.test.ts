import type { HubspotSandboxOptions } from "@telesync/sandbox";
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

async function setup(sandboxOptions: HubspotSandboxOptions = {}) {
  running = await startHubspotSandbox(sandboxOptions);
  return running.sandbox;
}

async function connect(config: Record<string, unknown> = {}, prefix?: string) {
  const redis = await redisContext("hs1", prefix);
  redises.push(redis);
  const connector = new HubspotConnector(hubspotConfig(running?.basePath ?? "", config), redis.ctx);
  connectors.push(connector);
  return { connector, redis };
}

function outcomes(contactIds: readonly string[], count: number, tag = "o"): ActivityWrite[] {
  return Array.from({ length: count }, (_, i) => ({
    outcomeId: `${tag}-${i}`,
    lead: { objectType: "contacts", crmId: contactIds[i % contactIds.length] as string },
    call: {
      direction: "outbound",
      startedAt: new Date(Date.UTC(2026, 1, 12, 9, 0, i % 60)).toISOString(),
      durationSec: 30 + (i % 90),
      disposition: "73a0d17f-1163-4015-bdd5-ec830791da20",
      status: "NO_ANSWER",
      subject: "Call: no answer",
      notes: `attempt ${i}`,
      toNumber: "+14155550000",
    },
  }));
}

describe("HubSpot connector on the sandbox: writing calls", () => {
  it("1,000 outcomes become exactly 1,000 calls in 10 batch requests under a 100 per 10 s limit", async () => {
    const sandbox = await setup({ burstLimit: 100 });
    const contacts = sandbox.seedContacts(200);
    const { connector } = await connect({ burstLimitPer10s: 100 });
    const batch = outcomes(contacts, 1_000);
    const started = performance.now();
    const results = [];
    for (let i = 0; i < batch.length; i += connector.limits.writeBatchSize) {
      results.push(
        ...(await connector.writeActivities(batch.slice(i, i + connector.limits.writeBatchSize), {
          checkExisting: false,
        })),
      );
    }
    const elapsed = performance.now() - started;
    expect(results.filter((r) => r.ok)).toHaveLength(1_000);
    expect(results.map((r) => r.outcomeId)).toEqual(batch.map((o) => o.outcomeId));
    const calls = sandbox.calls();
    expect(calls).toHaveLength(1_000);
    expect(new Set(calls.map((c) => c.properties.telesync_outcome_id)).size).toBe(1_000);
    const first = calls.find((c) => c.properties.telesync_outcome_id === "o-7");
    expect(first?.properties).toMatchObject({
      hs_call_duration: "37000",
      hs_call_direction: "OUTBOUND",
      hs_call_status: "NO_ANSWER",
    });
    expect(first?.contact).toEqual({ id: contacts[7], typeId: 194 });
    const stats = sandbox.stats();
    expect(stats.byKind["calls.batchCreate"]).toBe(10);
    expect(stats.rateLimited).toEqual({});
    console.info(
      `[hubspot] 1,000 outcomes: ${stats.byKind["calls.batchCreate"]} batch requests, ${Math.round(elapsed)} ms`,
    );
  });

  it("a 207 fails only the outcome whose contact is gone", async () => {
    const sandbox = await setup();
    const contacts = sandbox.seedContacts(3);
    sandbox.archiveContact(contacts[1] as string);
    const { connector } = await connect();
    const results = await connector.writeActivities(outcomes(contacts, 3), { checkExisting: false });
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(results[1]).toMatchObject({ outcomeId: "o-1", error: { kind: "permanent" } });
    expect(sandbox.calls()).toHaveLength(2);
  });

  it("after a lost response, checkExisting finds the calls instead of writing them twice", async () => {
    const sandbox = await setup();
    const contacts = sandbox.seedContacts(10);
    const { connector } = await connect();
    sandbox.injectFault({ kind: "lost-response", match: { kind: "calls.batchCreate" } });
    const batch = outcomes(contacts, 50);
    const lost = await connector.writeActivities(batch, { checkExisting: false });
    expect(lost.every((r) => !r.ok && r.error.kind === "retry" && r.error.ambiguous)).toBe(true);
    expect(sandbox.calls()).toHaveLength(50); // written, but the answer never arrived
    const retried = await connector.writeActivities([...batch, ...outcomes(contacts, 5, "new")], {
      checkExisting: true,
    });
    expect(retried.slice(0, 50).every((r) => r.ok && r.alreadyExisted)).toBe(true);
    expect(retried.slice(50).every((r) => r.ok && !r.alreadyExisted)).toBe(true);
    expect(sandbox.calls()).toHaveLength(55);
    expect(sandbox.stats().byKind["calls.batchCreate"]).toBe(2);
  });

  it("waits out an injected 429 and a timeout on reads; no error reaches the caller", async () => {
    const sandbox = await setup();
    const contacts = sandbox.seedContacts(5);
    const { connector, redis } = await connect({ requestTimeoutMs: 400 });
    sandbox.injectFault({ kind: "rate-limit", match: { kind: "calls.batchCreate" } });
    const results = await connector.writeActivities(outcomes(contacts, 5), { checkExisting: false });
    expect(results.every((r) => r.ok)).toBe(true);
    expect(sandbox.calls()).toHaveLength(5);
    expect(sandbox.stats().faults["rate-limit"]).toBe(1);
    sandbox.injectFault({ kind: "timeout", match: { kind: "contacts.list" }, delayMs: 10_000 });
    await connector.verifyCredentials();
    expect(sandbox.stats().faults.timeout).toBe(1);
    expect(await redis.rateLimiter.pausedUntil("hubspot:hs1:burst")).toBeUndefined();
  });

  it("updates lead status and do-not-call, and writes consent", async () => {
    const sandbox = await setup();
    const [a, b] = sandbox.seedContacts(2) as [string, string];
    const { connector } = await connect();
    const [write] = outcomes([a], 1);
    await connector.writeActivities(
      [
        {
          ...(write as ActivityWrite),
          leadUpdates: { hs_lead_status: "ATTEMPTED_TO_CONTACT" },
          doNotCall: true,
        },
      ],
      {
        checkExisting: false,
      },
    );
    expect(sandbox.contact(a)?.properties).toMatchObject({
      hs_lead_status: "ATTEMPTED_TO_CONTACT",
      telesync_do_not_call: "true",
    });
    const consent = await connector.writeConsent([
      { id: "c1", lead: { objectType: "contacts", crmId: a }, doNotCall: false },
      { id: "c2", lead: { objectType: "contacts", crmId: b }, doNotCall: true },
      { id: "c3", lead: { objectType: "contacts", crmId: "424242" }, doNotCall: true },
    ]);
    expect(consent.map((r) => r.ok)).toEqual([true, true, false]);
    expect(sandbox.contact(a)?.properties.telesync_do_not_call).toBe("false");
    expect(sandbox.contact(b)?.properties.telesync_do_not_call).toBe("true");
  });

  it("an invalid lead update fails only its outcome, before any call is written", async () => {
    const sandbox = await setup();
    const [a, b] = sandbox.seedContacts(2) as [string, string];
    const { connector } = await connect();
    const [good, bad] = outcomes([a, b], 2) as [ActivityWrite, ActivityWrite];
    const results = await connector.writeActivities(
      [good, { ...bad, leadUpdates: { hs_lead_status: "NOT_A_STATUS" } }],
      {
        checkExisting: false,
      },
    );
    expect(results[0]?.ok).toBe(true);
    expect(results[1]).toMatchObject({ ok: false, error: { kind: "permanent", code: "VALIDATION_ERROR" } });
    expect(sandbox.calls().map((c) => c.properties.telesync_outcome_id)).toEqual(["o-0"]);
  });
});

describe("HubSpot connector on the sandbox: OAuth", () => {
  it("refreshes an expired token once, and another worker picks the new token up from Redis", async () => {
    const sandbox = await setup({ oauth: { clientId: "c", clientSecret: "s", refreshToken: "r" } });
    const auth = { type: "oauth", clientId: "c", clientSecret: "s", refreshToken: "r" };
    const one = await connect({ auth });
    await one.connector.verifyCredentials();
    expect(sandbox.stats().byKind["oauth.token"]).toBe(1);
    sandbox.expireAccessTokens();
    await one.connector.verifyCredentials();
    expect(sandbox.stats().byKind["oauth.token"]).toBe(2);
    const stored = await one.redis.ctx.tokens.get("hs1");
    const two = await connect({ auth }, one.redis.prefix);
    await two.connector.verifyCredentials();
    expect(sandbox.stats().byKind["oauth.token"]).toBe(2);
    expect(await two.redis.ctx.tokens.get("hs1")).toBe(stored);
  });
});

describe("HubSpot connector on the sandbox: describe", () => {
  it("describes contacts and calls, with the portal's dispositions", async () => {
    const sandbox = await setup();
    const custom = sandbox.addDisposition("Not interested");
    const { connector } = await connect();
    const contacts = await connector.describe("contacts");
    expect(contacts.find((f) => f.name === "hs_lead_status")?.picklistValues).toContain(
      "ATTEMPTED_TO_CONTACT",
    );
    expect(contacts.find((f) => f.name === "lastmodifieddate")?.updateable).toBe(false);
    const calls = await connector.describe("calls");
    expect(calls.find((f) => f.name === "hs_call_disposition")?.picklistValues).toHaveLength(7);
    expect(calls.find((f) => f.name === "hs_call_disposition")?.picklistValues).toContain(custom);
  });
});
