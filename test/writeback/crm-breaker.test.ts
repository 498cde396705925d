import { Writable } from "node:stream";
import { type CrmSandbox, startSandbox } from "@telesync/sandbox";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { type ServiceOptions, TelesyncService } from "../../src/runtime/service.js";
import { createTelesync, type Telesync } from "../../src/runtime/telesync.js";
import { apiKey, eventually, outcomeBody, salesforceTestConfig } from "../support/harness.js";
import { dropPrefix, uniquePrefix } from "../support/redis.js";

interface Health {
  status: string;
  down: string[];
  checks: {
    writeback: Record<
      string,
      { status: string; backlog: number; oldestAgeMs: number | null; breaker: { state: string } }
    >;
  };
}

describe("CRM outage: circuit breaker, health, metrics, logs", () => {
  let sandbox: CrmSandbox;
  let telesync: Telesync;
  let service: TelesyncService;
  let prefix: string;
  const lines: Array<{ msg: string; breaker?: string; from?: string }> = [];

  afterEach(async () => {
    await service?.close();
    await telesync?.close();
    await sandbox?.close();
    await dropPrefix(prefix);
    lines.length = 0;
  });

  async function start(leads: number, options: ServiceOptions): Promise<string> {
    sandbox = await startSandbox({ port: 0 });
    prefix = uniquePrefix();
    const agent = sandbox.salesforce.insert("User", { Username: "a7@sandbox.example", LastName: "Seven" });
    const log = pino(
      { level: "info" },
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          for (const line of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(line));
          done();
        },
      }),
    );
    telesync = createTelesync({
      config: salesforceTestConfig(sandbox.url, prefix, agent),
      compliance: false,
      log,
    });
    sandbox.salesforce.seedLeads(leads);
    await telesync.sync("leads");
    service = await TelesyncService.start(telesync, { port: 0, schedule: false, ...options });
    return service.url as string;
  }

  const call = (url: string, method: string, path: string, body?: unknown) =>
    fetch(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${apiKey}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  async function reportOutcomes(url: string, count: number, idPrefix: string): Promise<string[]> {
    const ids: string[] = [];
    for (let n = 0; n < count; n++) {
      const leased = (await (await call(url, "POST", "/v1/campaigns/q4/leases")).json()) as {
        leaseId: string;
      };
      const outcomeId = `${idPrefix}-${n}`;
      expect(
        (await call(url, "POST", `/v1/leases/${leased.leaseId}/outcome`, outcomeBody(outcomeId))).status,
      ).toBe(202);
      ids.push(outcomeId);
    }
    return ids;
  }

  it("a 5xx storm opens the breaker (health, metrics, one log line per change); recovery closes it and drains exactly once", async () => {
    const url = await start(20, {
      writeback: {
        batchWindowMs: 50,
        lockDurationMs: 5_000,
        stalledIntervalMs: 1_000,
        breaker: { failureThreshold: 3, openMs: 500, probeTimeoutMs: 5_000 },
      },
    });
    sandbox.salesforce.injectFault({
      kind: "server-error",
      status: 503,
      count: 10_000,
      match: "composite-create",
    });
    const ids = await reportOutcomes(url, 20, "storm");

    await eventually(
      async () => {
        const health = (await (await fetch(`${url}/healthz`)).json()) as Health;
        return health.down.includes("crm:sf");
      },
      30_000,
      "/healthz naming the CRM down",
    );
    const health = (await (await fetch(`${url}/healthz`)).json()) as Health;
    expect(health.status).toBe("degraded");
    const writeback = health.checks.writeback.sf;
    expect(["breaker-open", "breaker-half-open"]).toContain(writeback?.status);
    expect(writeback?.backlog).toBe(20);
    expect(writeback?.oldestAgeMs).toBeGreaterThanOrEqual(0);
    const metrics = await (await call(url, "GET", "/metrics")).text();
    expect(metrics).toMatch(/telesync_crm_breaker_state\{integration="sf"\} [12]/);
    expect(metrics).toMatch(/telesync_writeback_backlog\{integration="sf"\} 20/);
    expect(sandbox.salesforce.all("Task")).toHaveLength(0);

    sandbox.salesforce.clearFaults();
    await eventually(() => sandbox.salesforce.all("Task").length === 20, 60_000, "20 Tasks after recovery");
    await eventually(
      async () => ((await (await fetch(`${url}/healthz`)).json()) as Health).status === "ok",
      30_000,
      "/healthz ok",
    );
    const tasks = sandbox.salesforce.all("Task");
    expect(new Set(tasks.map((t) => t.CallObject))).toEqual(new Set(ids));
    expect(await service.deadLetters.count()).toBe(0);

    // One line per state change: every line is a change from the state the previous line left.
    const changes = lines.filter((line) => line.breaker !== undefined);
    expect(changes.length).toBeGreaterThanOrEqual(3);
    let state = "closed";
    for (const change of changes) {
      expect(change.from).toBe(state);
      expect(change.breaker).not.toBe(state);
      state = change.breaker as string;
    }
    expect(state).toBe("closed");
    // No log storm: the breaker opens only on a failed request (the threshold's last failure or a
    // failed probe), goes half-open only from open (after openMs, with no request), and closes only
    // from half-open. How many cycles a storm takes depends on the machine's speed, so bound each
    // kind of change by its cause rather than the total by the request count.
    const requests = sandbox.salesforce.stats()["composite-create"] ?? 0;
    const count = (to: string) => changes.filter((c) => c.breaker === to).length;
    expect(count("open")).toBeLessThanOrEqual(requests);
    expect(count("half-open")).toBeLessThanOrEqual(count("open"));
    expect(count("closed")).toBeLessThanOrEqual(count("half-open"));
  });

  it("says writeback is stuck when the oldest outcome waits too long, even before any job completed", async () => {
    // The API alone: no writeback worker runs, so the outcome waits and nothing ever completes.
    const url = await start(1, { role: "api", health: { stuckAfterMs: 300 } });
    await reportOutcomes(url, 1, "waits");
    await eventually(async () => (await fetch(`${url}/healthz`)).status === 503, 30_000, "/healthz 503");
    const health = (await (await fetch(`${url}/healthz`)).json()) as Health;
    expect(health.status).toBe("unhealthy");
    expect(health.checks.writeback.sf).toMatchObject({ status: "stuck", backlog: 1 });
  });
});
