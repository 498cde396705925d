import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import { eventually, type Harness, outcomeBody, startHarness } from "../support/harness.js";

function startWorkerProcess(h: Harness): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "test/support/writeback-child.ts"], {
    env: {
      ...process.env,
      // The child imports test helpers that import the sandbox package: load it from its sources.
      TSX_TSCONFIG_PATH: "test/support/tsconfig.child.json",
      SANDBOX_URL: h.sandbox.url,
      TELESYNC_PREFIX: h.telesync.prefix,
      AGENT_USER_ID: h.agentUserId,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    child.stdout?.on("data", (data: Buffer) => {
      if (data.toString().includes("ready")) resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`worker process exited early (${code})`)));
  });
}

describe("writeback survives SIGKILL of its worker process", () => {
  let h: Harness;
  let child: ChildProcess | undefined;
  afterEach(async () => {
    child?.kill("SIGKILL");
    await h.close();
  });

  it("every outcome reaches the CRM exactly once", async () => {
    // This process serves the API only; writeback runs in a child process we kill mid-burst.
    h = await startHarness({ leads: 1_500, service: { role: "api" } });
    const total = 1_500;
    for (let n = 0; n < total; n++) {
      const leased = (await (await h.call("POST", "/v1/campaigns/q4/leases")).json()) as { leaseId: string };
      const response = await h.call(
        "POST",
        `/v1/leases/${leased.leaseId}/outcome`,
        outcomeBody(`crash-${n}`),
      );
      expect(response.status).toBe(202);
    }
    // Slow the CRM down so the kill lands while batches are in flight.
    h.sandbox.salesforce.injectFault({
      kind: "timeout",
      delayMs: 400,
      count: 1_000,
      match: "composite-create",
    });
    child = await startWorkerProcess(h);
    const tasks = () => h.sandbox.salesforce.all("Task").length;
    await eventually(() => tasks() >= 200, 60_000, "the first Tasks");
    const exited = once(child, "exit");
    child.kill("SIGKILL");
    await exited;
    const atKill = tasks();
    expect(atKill).toBeLessThan(total);

    h.sandbox.salesforce.clearFaults();
    child = await startWorkerProcess(h);
    await eventually(() => tasks() === total, 90_000, `${total} Tasks`);
    await eventually(
      async () => {
        const counts = await h.service.intake.queue("sf").getJobCounts("waiting", "active", "delayed");
        return Object.values(counts).every((n) => n === 0);
      },
      60_000,
      "queue drained",
    );
    const all = h.sandbox.salesforce.all("Task");
    expect(all).toHaveLength(total);
    expect(new Set(all.map((t) => t.CallObject)).size).toBe(total);
    // 1,500 sequential lease + outcome round trips, two child starts and the drain: minutes on a
    // machine busy with other work, so the limit is generous (the assertions are counts, not times).
  }, 300_000);
});
