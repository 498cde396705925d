import type { ChildProcess } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { killHard, startWorkerChild } from "../support/child-process.js";
import { eventually, type Harness, outcomeBody, startHarness } from "../support/harness.js";
import {
  faultsSize,
  leadLedger,
  outcomeLedger,
  queueDrained,
  random,
  report,
  workOutcomes,
} from "./support.js";

describe("fault: kill -9 of a worker mid-writeback-batch", () => {
  let h: Harness;
  const children: ChildProcess[] = [];
  afterEach(async () => {
    for (const child of children) await killHard(child);
    await h.close();
  });

  it("every outcome reaches the CRM exactly once (lost responses included)", async () => {
    // This process serves the API; writeback runs in child processes killed at random points.
    h = await startHarness({ leads: faultsSize, service: { role: "api" } });
    const posted = await workOutcomes(h.call, faultsSize, "kill", (id) => outcomeBody(id));
    const env = {
      SANDBOX_URL: h.sandbox.url,
      TELESYNC_PREFIX: h.telesync.prefix,
      AGENT_USER_ID: h.agentUserId,
    };
    // Some responses lost after the write applied, the rest slow (kills land while batches are in flight).
    h.sandbox.salesforce.injectFault({
      kind: "timeout",
      delayMs: 300,
      count: 10_000,
      match: "composite-create",
    });
    h.sandbox.salesforce.injectFault({
      kind: "lost-response",
      count: 10_000,
      match: { kind: "composite-create", probability: 0.2 },
    });
    // One fault per request, in injection order: the requests not lost are slow.
    h.sandbox.salesforce.injectFault({
      kind: "timeout",
      delayMs: 300,
      count: 10_000,
      match: "composite-create",
    });
    const tasks = () => h.sandbox.salesforce.all("Task");
    const drained = () => queueDrained(h.service.intake, "sf");
    const kills: string[] = [];
    const requests = () => h.sandbox.salesforce.stats()["composite-create"];
    for (let round = 0; round < 2; round++) {
      const before = requests();
      const child = await startWorkerChild(env);
      children.push(child);
      // Mid-batch: once the child's next batch request reached the CRM (held 300 ms there), at a
      // seeded random moment inside that hold.
      await eventually(
        async () => requests() > before || (await drained()),
        90_000,
        "a batch request in flight",
      );
      if (requests() === before) break; // the retries found every write already applied
      await new Promise((r) => setTimeout(r, Math.floor(random() * 300)));
      await killHard(child);
      kills.push(
        `SIGKILL during batch request ${requests()} (${tasks().length}/${faultsSize} Tasks written)`,
      );
    }
    h.sandbox.salesforce.clearFaults();
    children.push(await startWorkerChild(env));
    await eventually(() => queueDrained(h.service.intake, "sf"), 120_000, "writeback drained");
    const outcomes = await outcomeLedger(
      posted,
      tasks().map((t) => t.CallObject),
      h.service.deadLetters,
    );
    const leads = await leadLedger(
      h.telesync.dialQueues.get("q4").queue,
      h.leadIds.map((id) => `sf/Lead/${id}`),
    );
    expect(outcomes).toMatchObject({ duplicates: 0, losses: 0 });
    expect(leads).toEqual({ duplicates: 0, losses: 0 });
    report({
      scenario: "kill -9 mid-writeback-batch + lost-after-apply",
      leads: h.leadIds.length,
      outcomes: posted.length,
      faults: kills,
      duplicates: outcomes.duplicates + leads.duplicates,
      losses: outcomes.losses + leads.losses,
      deadLettered: outcomes.deadLettered,
    });
  }, 300_000);
});
