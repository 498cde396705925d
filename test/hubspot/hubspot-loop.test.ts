import { type CrmSandbox, startSandbox } from "@telesync/sandbox";
import { afterEach, describe, expect, it } from "vitest";
import { signatureV3 } from "../../connectors/hubspot/webhook-signature.js";
import {
  hubspotOutcomes,
  sandboxConfig,
  sandboxHubspot,
  sandboxMappings,
} from "../../src/demo/sandbox-config.js";
import { RedisRateLimiter } from "../../src/runtime/redis-rate-limiter.js";
import { TelesyncService } from "../../src/runtime/service.js";
import { createTelesync, type Telesync } from "../../src/runtime/telesync.js";
import { apiKey, eventually, outcomeBody } from "../support/harness.js";
import { dropPrefix, redisUrl, uniquePrefix } from "../support/redis.js";

const webhookSecret = "hubspot-app-secret-for-tests";

interface Loop {
  sandbox: CrmSandbox;
  telesync: Telesync;
  service: TelesyncService;
  url: string;
  call(method: string, path: string, body?: unknown): Promise<Response>;
}

async function startLoop(contacts: number): Promise<Loop> {
  const sandbox = await startSandbox({ port: 0 });
  const prefix = uniquePrefix();
  const config = sandboxConfig({
    redis: { url: redisUrl(), prefix },
    integrations: {
      hs: sandboxHubspot(sandbox.hubspotBasePath, {
        webhookSecret,
        burstLimitPer10s: 100,
        dispositions: { connected: { value: hubspotOutcomes.connected } },
      }),
    },
    mappings: { contact: sandboxMappings.hubspotContact },
    sources: [
      {
        id: "hs_all",
        integration: "hs",
        campaign: "hs_q4",
        mapping: "contact",
        select: { allContacts: true },
      },
    ],
    campaigns: { hs_q4: {} },
    apiKeys: [apiKey],
  });
  sandbox.hubspot.seedContacts(contacts);
  // The loop is about HubSpot plumbing, at whatever hour the test runs: no calling-hours gate.
  const telesync = createTelesync({ config, compliance: false });
  await telesync.sync("hs_all");
  const service = await TelesyncService.start(telesync, { port: 0, schedule: false });
  const url = service.url as string;
  return {
    sandbox,
    telesync,
    service,
    url,
    call: (method, path, body) =>
      fetch(`${url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${apiKey}`,
          ...(body ? { "content-type": "application/json" } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
      }),
  };
}

describe("HubSpot through telesync (sandbox, real @hubspot/api-client, real Redis)", () => {
  let loop: Loop;
  afterEach(async () => {
    await loop.service.close();
    await loop.telesync.close();
    await loop.sandbox.close();
    await dropPrefix(loop.telesync.prefix);
  });

  // 500 outcomes: five batches at HubSpot's maximum of 100, enough to show batching, cheap enough for a
  // busy machine; the time limits are generous because only the properties below are under test.
  it("500 outcomes become exactly 500 calls, in batches within HubSpot's size and rate limits", async () => {
    loop = await startLoop(500);
    const before = loop.sandbox.hubspot.stats().byKind["calls.batchCreate"] ?? 0;
    await Promise.all(
      Array.from({ length: 20 }, async (_v, client) => {
        for (let n = 0; ; n++) {
          const leased = await loop.call("POST", "/v1/campaigns/hs_q4/leases");
          if (leased.status === 204) return;
          const { leaseId } = (await leased.json()) as { leaseId: string };
          const response = await loop.call(
            "POST",
            `/v1/leases/${leaseId}/outcome`,
            outcomeBody(`hs-${client}-${n}`),
          );
          expect(response.status).toBe(202);
        }
      }),
    );
    await eventually(() => loop.sandbox.hubspot.calls().length === 500, 150_000, "500 calls");
    const calls = loop.sandbox.hubspot.calls();
    expect(calls).toHaveLength(500);
    expect(new Set(calls.map((c) => c.properties.telesync_outcome_id)).size).toBe(500);
    expect(calls[0]?.properties).toMatchObject({
      hs_call_direction: "OUTBOUND",
      hs_call_duration: "95000",
      hs_call_disposition: "f240bbac-87c9-4f6e-bf70-924b57d47db7",
    });
    // How many batches the 500 calls take depends on how fast 20 clients report against the batch
    // window, so the count is bounded by what holds at any speed: at least 5 (HubSpot takes ≤ 100
    // inputs per batch and the sandbox answers 400 above that, so none was refused), and fewer than
    // one request per call (outcomes were batched).
    const stats = loop.sandbox.hubspot.stats();
    const batches = (stats.byKind["calls.batchCreate"] ?? 0) - before;
    expect(batches).toBeGreaterThanOrEqual(5);
    expect(batches).toBeLessThan(500);
    expect(stats.byStatus["400"] ?? 0).toBe(0);
    // The whole test sends far fewer than 100 requests, so any 429 would mean the limiter broke.
    expect(stats.rateLimited).toEqual({});
    expect(await loop.service.deadLetters.count()).toBe(0);
  }, 240_000);

  it("a DAILY limit pause shows in /healthz", async () => {
    loop = await startLoop(5);
    const limiter = new RedisRateLimiter(loop.telesync.redis, loop.telesync.prefix);
    await limiter.pause("hubspot:hs:burst", 3_600_000, "429 DAILY: daily limit reached");
    const health = (await (await fetch(`${loop.url}/healthz`)).json()) as {
      checks: { pausedIntegrations: Record<string, { until: string; reason: string }> };
    };
    expect(health.checks.pausedIntegrations.hs?.reason).toContain("DAILY");
    expect(Date.parse(health.checks.pausedIntegrations.hs?.until ?? "")).toBeGreaterThan(
      Date.now() + 3_000_000,
    );
  });

  describe("webhooks", () => {
    async function post(
      body: string,
      options: { timestamp?: number; secret?: string; signature?: string } = {},
    ) {
      const timestamp = String(options.timestamp ?? Date.now());
      const uri = `${loop.url}/webhooks/hubspot/hs`;
      const signature =
        options.signature ?? signatureV3(options.secret ?? webhookSecret, "POST", uri, body, timestamp);
      return fetch(uri, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-hubspot-signature-v3": signature,
          "x-hubspot-request-timestamp": timestamp,
        },
        body,
      });
    }

    it("a signed do-not-call change takes the lead out of leasing before the webhook is answered", async () => {
      loop = await startLoop(50);
      const jobs = await loop.telesync.dialQueues.get("hs_q4").queue.getJobs(["waiting"], 0, 0);
      const target = jobs[0]?.data.lead;
      if (!target) throw new Error("no queued lead");
      const body = JSON.stringify([
        {
          eventId: 1,
          subscriptionType: "contact.propertyChange",
          objectId: Number(target.crmId),
          propertyName: "telesync_do_not_call",
          propertyValue: "true",
          occurredAt: Date.now(),
        },
      ]);
      // Suppression happens before the 200, so by the time HubSpot has its answer no lease can return the
      // number (the latency itself is measured in the benchmarks, not asserted here).
      const response = await post(body);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ received: 1, suppressed: 1 });
      const leased: string[] = [];
      for (;;) {
        const r = await loop.call("POST", "/v1/campaigns/hs_q4/leases");
        if (r.status === 204) break;
        leased.push(((await r.json()) as { lead: { phone: string } }).lead.phone);
      }
      expect(leased.length).toBeGreaterThan(0);
      expect(leased).not.toContain(target.phone);
      expect(await loop.service.consent.suppression.firstSuppressed([target.phone])).toBe(target.phone);
    });

    it("refuses badly signed, stale and replayed webhooks with 401 and changes nothing", async () => {
      loop = await startLoop(10);
      const jobs = await loop.telesync.dialQueues.get("hs_q4").queue.getJobs(["waiting"], 0, 0);
      const target = jobs[0]?.data.lead;
      if (!target) throw new Error("no queued lead");
      const body = JSON.stringify([
        {
          subscriptionType: "contact.propertyChange",
          objectId: Number(target.crmId),
          propertyName: "telesync_do_not_call",
          propertyValue: "true",
        },
      ]);
      expect((await post(body, { secret: "wrong-secret" })).status).toBe(401);
      expect((await post(body, { timestamp: Date.now() - 6 * 60_000 })).status).toBe(401);
      expect((await post(body, { signature: "" })).status).toBe(401);
      expect(await loop.service.consent.suppression.size()).toBe(0);
      const timestamp = Date.now();
      expect((await post(body, { timestamp })).status).toBe(200);
      const replay = await post(body, { timestamp });
      expect(replay.status).toBe(401);
      expect(((await replay.json()) as { message: string }).message).toContain("replayed");
    });

    it("a deletion or merge takes the contact's lead out of the queue", async () => {
      loop = await startLoop(10);
      const [first, second] = await loop.telesync.dialQueues.get("hs_q4").queue.getJobs(["waiting"], 0, 1);
      const deleted = first?.data.lead;
      const merged = second?.data.lead;
      if (!deleted || !merged) throw new Error("no queued leads");
      const body = JSON.stringify([
        { subscriptionType: "contact.deletion", objectId: Number(deleted.crmId) },
        {
          subscriptionType: "contact.merge",
          objectId: 999_999,
          mergedObjectIds: [Number(merged.crmId), 999_999],
        },
      ]);
      const response = await post(body);
      expect(await response.json()).toMatchObject({ removed: 2 });
      const queue = loop.telesync.dialQueues.get("hs_q4").queue;
      expect(await queue.getJob(deleted.key)).toBeUndefined();
      expect(await queue.getJob(merged.key)).toBeUndefined();
    });
  });
});
