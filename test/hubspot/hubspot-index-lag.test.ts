import { type CrmSandbox, startSandbox } from "@telesync/sandbox";
import { Queue } from "bullmq";
import { afterEach, describe, expect, it } from "vitest";
import { configSchema } from "../../src/config/schema.js";
import { queueNames } from "../../src/queues/names.js";
import { TelesyncService } from "../../src/runtime/service.js";
import { createTelesync, type Telesync } from "../../src/runtime/telesync.js";
import { apiKey, eventually, outcomeBody } from "../support/harness.js";
import { dropPrefix, redisUrl, uniquePrefix } from "../support/redis.js";

let sandbox: CrmSandbox | undefined;
let telesync: Telesync | undefined;
let service: TelesyncService | undefined;
let ticker: NodeJS.Timeout | undefined;
afterEach(async () => {
  clearInterval(ticker);
  await service?.close();
  await telesync?.close();
  await sandbox?.close();
  if (telesync) await dropPrefix(telesync.prefix);
});

describe("HubSpot writeback end to end while the search index lags 10 s", () => {
  it("responses lost after apply: N outcomes through the API → exactly N calls, none dead-lettered", async () => {
    sandbox = await startSandbox({ port: 0 });
    const hubspot = sandbox.hubspot;
    const config = configSchema.parse({
      redis: { url: redisUrl(), prefix: uniquePrefix() },
      integrations: {
        hs: {
          vendor: "hubspot",
          basePath: sandbox.hubspotBasePath,
          auth: { type: "private_app", accessToken: "sandbox-token" },
          burstLimitPer10s: 100,
          dispositions: { connected: { value: "f240bbac-87c9-4f6e-bf70-924b57d47db7" } },
        },
      },
      mappings: {
        contact: { fields: [{ to: "phone", from: "phone", transform: ["phone"], required: true }] },
      },
      sources: [
        { id: "hs_all", integration: "hs", campaign: "q", mapping: "contact", select: { allContacts: true } },
      ],
      campaigns: { q: {} },
      api: { keys: [apiKey], port: 0 },
    });
    const n = 40;
    hubspot.seedContacts(n);
    telesync = createTelesync({ config, compliance: false });
    await telesync.sync("hs_all");
    service = await TelesyncService.start(telesync, { port: 0, schedule: false });
    const url = service.url as string;
    const call = (path: string, body?: unknown) =>
      fetch(`${url}${path}`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${apiKey}`,
          ...(body ? { "content-type": "application/json" } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });

    // From here the index lags 10 s of the sandbox clock, which runs 10× real time (no real 10 s wait),
    // and the first three batch creates are applied but their answers lost.
    hubspot.setIndexDelay(10_000);
    ticker = setInterval(() => hubspot.advance(1_000), 100);
    hubspot.injectFault({ kind: "lost-response", count: 3, match: { kind: "calls.batchCreate" } });

    for (let i = 0; i < n; i++) {
      const leased = await call("/v1/campaigns/q/leases");
      expect(leased.status).toBe(200);
      const { leaseId } = (await leased.json()) as { leaseId: string };
      expect((await call(`/v1/leases/${leaseId}/outcome`, outcomeBody(`lag-${i}`))).status).toBe(202);
    }

    const writeback = new Queue(queueNames.writeback("hs"), {
      connection: telesync.redis,
      prefix: telesync.prefix,
    });
    try {
      await eventually(
        async () => {
          const counts = await writeback.getJobCounts("waiting", "delayed", "active", "prioritized");
          return Object.values(counts).every((c) => c === 0);
        },
        60_000,
        "writeback drained",
      );
    } finally {
      await writeback.close();
    }
    expect(hubspot.stats().faults["lost-response"]).toBeGreaterThanOrEqual(1);
    const perOutcome = new Map<string, number>();
    for (const c of hubspot.calls()) {
      const id = c.properties.telesync_outcome_id ?? "";
      perOutcome.set(id, (perOutcome.get(id) ?? 0) + 1);
    }
    expect(perOutcome.size).toBe(n);
    expect([...perOutcome.entries()].filter(([, count]) => count !== 1)).toEqual([]);
    expect(await service.deadLetters.count()).toBe(0);
  }, 90_000);
});
