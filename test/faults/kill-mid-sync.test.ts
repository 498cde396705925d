import type { ChildProcess } from "node:child_process";
import { type CrmSandbox, startSandbox } from "@telesync/sandbox";
import { afterEach, describe, expect, it } from "vitest";
import { createTelesync, type Telesync } from "../../src/runtime/telesync.js";
import { killHard, startWorkerChild } from "../support/child-process.js";
import { eventually, salesforceTestConfig } from "../support/harness.js";
import { dropPrefix, uniquePrefix } from "../support/redis.js";
import { faultsSize, leadLedger, random, report } from "./support.js";

/** Salesforce query pages hold 2,000 records (the connector's batchSize): 5,000 leads = 3 pages. */
const leads = Math.max(5_000, faultsSize);

describe("fault: kill -9 of a worker mid-sync", () => {
  let sandbox: CrmSandbox;
  let telesync: Telesync;
  let prefix: string;
  const children: ChildProcess[] = [];
  afterEach(async () => {
    for (const child of children) await killHard(child);
    await telesync?.close();
    await sandbox?.close();
    await dropPrefix(prefix);
  });

  it("from its checkpoint, within one scheduler interval, every lead queued once, history says so", async () => {
    sandbox = await startSandbox({ port: 0 });
    prefix = uniquePrefix();
    const ids = sandbox.salesforce.seedLeads(leads);
    telesync = createTelesync({ config: salesforceTestConfig(sandbox.url, prefix), compliance: false });
    const state = telesync.syncState("leads");
    // Slow every page after the first so the kill lands between checkpoints.
    sandbox.salesforce.injectFault({ kind: "timeout", delayMs: 1_500, count: 100, match: "queryMore" });
    const env = {
      SANDBOX_URL: sandbox.url,
      TELESYNC_PREFIX: prefix,
      SYNC_EVERY: "2s",
      SYNC_LOCK_TTL: "3s",
    };
    const first = await startWorkerChild(env);
    children.push(first);
    await eventually(async () => (await state.memberCount()) >= 2_000, 60_000, "the first page checkpointed");
    // A seeded random point after the first checkpoint (before, there is nothing to resume).
    await new Promise((r) => setTimeout(r, Math.floor(random() * 1_000)));
    await killHard(first);
    const atKill = await state.memberCount();
    expect(atKill).toBeLessThan(leads);
    const [interruptedRun] = await state.history(1);
    // The killed run never recorded itself: nothing in the history yet.
    expect(interruptedRun).toBeUndefined();

    sandbox.salesforce.clearFaults();
    children.push(await startWorkerChild(env));
    const queue = telesync.dialQueues.get("q4").queue;
    await eventually(
      async () => {
        const runs = await state.history(10);
        return runs.some((run) => run.resumedFrom !== undefined && run.outcome === "completed");
      },
      60_000,
      "the resumed run completed",
    );

    const runs = await state.history(10);
    const interrupted = runs.find((run) => run.outcome === "interrupted");
    const resumed = runs.find((run) => run.resumedFrom !== undefined);
    expect(interrupted).toBeDefined();
    expect(resumed).toMatchObject({ outcome: "completed", resumedFrom: interrupted?.runId });
    expect(interrupted?.resumedBy).toBe(resumed?.runId);
    // History is newest first: the resumed run, then the run it resumed.
    expect(runs.indexOf(resumed as never)).toBeLessThan(runs.indexOf(interrupted as never));
    // It resumed from the checkpoint: it read fewer records than the source holds.
    expect(resumed?.records).toBeLessThan(leads);

    const jobs = await queue.getJobs(["waiting", "prioritized", "delayed"], 0, -1);
    const keys = jobs.map((job) => (job.data as { lead: { key: string } }).lead.key);
    expect(keys).toHaveLength(leads);
    expect(new Set(keys)).toEqual(new Set(ids.map((id) => `sf/Lead/${id}`)));
    const ledger = await leadLedger(
      queue,
      ids.map((id) => `sf/Lead/${id}`),
    );
    expect(ledger).toEqual({ duplicates: 0, losses: 0 });
    report({
      scenario: "kill -9 mid-sync",
      leads,
      outcomes: 0,
      faults: [`SIGKILL after ${atKill} of ${leads} leads checkpointed`],
      ...ledger,
      deadLettered: 0,
    });
  }, 300_000);
});
