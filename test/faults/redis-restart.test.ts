import { type CrmSandbox, startSandbox } from "@telesync/sandbox";
import { afterEach, describe, expect, it } from "vitest";
import { configSchema } from "../../src/config/schema.js";
import { TelesyncService } from "../../src/runtime/service.js";
import { createTelesync, type Telesync } from "../../src/runtime/telesync.js";
import { apiKey, eventually, outcomeBody, salesforceTestConfigInput } from "../support/harness.js";
import { ThrowawayRedis } from "../support/throwaway-redis.js";
import {
  faultsSize,
  leadLedger,
  outcomeLedger,
  queueDrained,
  random,
  report,
  workOutcomes,
} from "./support.js";

describe("fault: Redis killed and restarted (AOF everysec) mid-writeback", () => {
  let redis: ThrowawayRedis;
  let sandbox: CrmSandbox;
  let telesync: Telesync;
  let service: TelesyncService;
  afterEach(async () => {
    await service?.close().catch(() => {});
    await telesync?.close();
    await sandbox?.close();
    await redis?.stop();
  });

  it("everything resumes without a restart of telesync; every outcome in the CRM exactly once", async () => {
    redis = await ThrowawayRedis.start({ appendonly: true });
    sandbox = await startSandbox({ port: 0 });
    const agent = sandbox.salesforce.insert("User", { Username: "a7@sandbox.example", LastName: "Seven" });
    const input = salesforceTestConfigInput(sandbox.url, "{restart}", agent);
    const config = configSchema.parse({ ...input, redis: { url: redis.url, prefix: "{restart}" } });
    telesync = createTelesync({ config, compliance: false });
    const ids = sandbox.salesforce.seedLeads(faultsSize);
    await telesync.sync("leads");
    service = await TelesyncService.start(telesync, {
      port: 0,
      schedule: false,
      writeback: { batchWindowMs: 50, lockDurationMs: 3_000, stalledIntervalMs: 1_000 },
    });
    const url = service.url as string;
    const call = (method: string, path: string, body?: unknown) =>
      fetch(`${url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${apiKey}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    // Slow writes, so the kill lands with batches in flight; outcomes go in small batches.
    sandbox.salesforce.injectFault({
      kind: "timeout",
      delayMs: 200,
      count: 10_000,
      match: "composite-create",
    });
    const half = Math.floor(faultsSize / 2);
    const posted = await workOutcomes(call, half, "before", (id) => outcomeBody(id));
    // A seeded random moment while the first batch is being written.
    await eventually(() => sandbox.salesforce.stats()["composite-create"] > 0, 60_000, "a batch in flight");
    await new Promise((r) => setTimeout(r, Math.floor(random() * 200)));
    await redis.kill();
    const whileDown = await call("POST", "/v1/campaigns/q4/leases");
    expect(whileDown.status).toBe(503);
    await new Promise((r) => setTimeout(r, 1_000));
    await redis.restart();
    sandbox.salesforce.clearFaults();
    await eventually(async () => (await fetch(`${url}/healthz`)).status === 200, 30_000, "/healthz ok");
    posted.push(...(await workOutcomes(call, faultsSize - half, "after", (id) => outcomeBody(id))));

    const drained = () => queueDrained(service.intake, "sf");
    await eventually(drained, 120_000, "writeback drained");
    const outcomes = await outcomeLedger(
      posted,
      sandbox.salesforce.all("Task").map((t) => t.CallObject),
      service.deadLetters,
    );
    const leads = await leadLedger(
      telesync.dialQueues.get("q4").queue,
      ids.map((id) => `sf/Lead/${id}`),
    );
    expect(outcomes).toMatchObject({ duplicates: 0, losses: 0 });
    expect(leads).toEqual({ duplicates: 0, losses: 0 });
    report({
      scenario: "Redis SIGKILL + restart (AOF everysec) mid-writeback",
      leads: ids.length,
      outcomes: posted.length,
      faults: ["redis-server SIGKILL with a batch in flight", "1 s down", "restart from AOF"],
      duplicates: outcomes.duplicates + leads.duplicates,
      losses: outcomes.losses + leads.losses,
      deadLettered: outcomes.deadLettered,
    });
  }, 300_000);
});
