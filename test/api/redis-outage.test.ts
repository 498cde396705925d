import { type CrmSandbox, startSandbox } from "@telesync/sandbox";
import { afterEach, describe, expect, it } from "vitest";
import { configSchema } from "../../src/config/schema.js";
import { TelesyncService } from "../../src/runtime/service.js";
import { createTelesync, type Telesync } from "../../src/runtime/telesync.js";
import { apiKey, eventually, salesforceTestConfigInput } from "../support/harness.js";
import { ThrowawayRedis } from "../support/throwaway-redis.js";

/** Generous bounds (a busy CI machine), far below "hangs": the promise is an answer in bounded time. */
const answerBoundMs = 10_000;

async function timed(request: Promise<Response>): Promise<{ response: Response; ms: number }> {
  const started = performance.now();
  const response = await request;
  return { response, ms: performance.now() - started };
}

describe("Redis unreachable: the API fails fast and recovers by itself", () => {
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

  it("503 with Retry-After and a stable code while down, /healthz names Redis, service resumes", async () => {
    redis = await ThrowawayRedis.start();
    sandbox = await startSandbox({ port: 0 });
    const input = salesforceTestConfigInput(sandbox.url, "{outage}", "005000000000007AAA");
    const config = configSchema.parse({ ...input, redis: { url: redis.url, prefix: "{outage}" } });
    telesync = createTelesync({ config, compliance: false });
    sandbox.salesforce.seedLeads(5);
    await telesync.sync("leads");
    service = await TelesyncService.start(telesync, { role: "api", port: 0 });
    const url = service.url as string;
    const lease = () =>
      fetch(`${url}/v1/campaigns/q4/leases`, {
        method: "POST",
        headers: { authorization: `Bearer ${apiKey}` },
        signal: AbortSignal.timeout(answerBoundMs),
      });
    const health = () => fetch(`${url}/healthz`, { signal: AbortSignal.timeout(answerBoundMs) });

    expect((await lease()).status).toBe(200);
    expect((await health()).status).toBe(200);

    await redis.kill();
    // Right after the kill, and again a little later (a reconnect loop is running by then).
    for (const pauseMs of [0, 1_500]) {
      await new Promise((r) => setTimeout(r, pauseMs));
      const leased = await timed(lease());
      expect(leased.response.status).toBe(503);
      expect(leased.response.headers.get("retry-after")).toMatch(/^\d+$/);
      expect(await leased.response.json()).toMatchObject({ error: "redis_unavailable" });
      const stats = await fetch(`${url}/v1/campaigns/q4/stats`, {
        headers: { authorization: `Bearer ${apiKey}` },
        signal: AbortSignal.timeout(answerBoundMs),
      });
      expect(stats.status).toBe(503);

      const checked = await timed(health());
      expect(checked.response.status).toBe(503);
      const report = (await checked.response.json()) as { status: string; down: string[] };
      expect(report).toMatchObject({ status: "unhealthy", down: ["redis"] });
    }

    await redis.restart();
    await eventually(async () => (await health()).status === 200, 30_000, "/healthz ok again");
    // This Redis keeps nothing across a restart (no AOF): the queue is empty again until a sync.
    expect((await lease()).status).toBe(204);
    await telesync.sync("leads");
    expect((await lease()).status).toBe(200);
  });
});
