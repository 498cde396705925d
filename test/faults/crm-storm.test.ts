import { afterEach, describe, expect, it } from "vitest";
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

describe("fault: CRM 5xx storm, then recovery", () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it("the breaker holds writeback during the storm; afterwards every outcome is in the CRM exactly once", async () => {
    h = await startHarness({
      leads: faultsSize,
      service: {
        writeback: {
          batchWindowMs: 50,
          lockDurationMs: 5_000,
          stalledIntervalMs: 1_000,
          breaker: { failureThreshold: 3, openMs: 300, probeTimeoutMs: 5_000 },
        },
      },
    });
    // A storm of a seeded random length (8..16 failed requests), then responses lost after apply.
    const storm = 8 + Math.floor(random() * 8);
    h.sandbox.salesforce.injectFault({ kind: "server-error", status: 503, count: storm, match: "write" });
    h.sandbox.salesforce.injectFault({
      kind: "lost-response",
      count: 10_000,
      match: { kind: "composite-create", probability: 0.2 },
    });
    const posted = await workOutcomes(h.call, faultsSize, "storm", (id) => outcomeBody(id));
    const tasks = () => h.sandbox.salesforce.all("Task");
    const drained = () => queueDrained(h.service.intake, "sf");
    await eventually(drained, 120_000, "writeback drained");
    const breaker = await h.service.writebackWorkers[0]?.breaker.status();
    expect(breaker?.state).toBe("closed");
    expect(breaker?.opens).toBeGreaterThan(0);

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
      scenario: "CRM 5xx storm then recovery + lost-after-apply",
      leads: h.leadIds.length,
      outcomes: posted.length,
      faults: [`${storm} × 503`, "lost-response p=0.2", `breaker opened ${breaker?.opens}×`],
      duplicates: outcomes.duplicates + leads.duplicates,
      losses: outcomes.losses + leads.losses,
      deadLettered: outcomes.deadLettered,
    });
  }, 300_000);
});
