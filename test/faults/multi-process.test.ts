import type { ChildProcess } from "node:child_process";
import { type CrmSandbox, startSandbox } from "@telesync/sandbox";
import { afterEach, describe, expect, it } from "vitest";
import { createTelesync, type Telesync } from "../../src/runtime/telesync.js";
import { DeadLetterQueue } from "../../src/writeback/dead-letter.js";
import { WritebackIntake } from "../../src/writeback/outcome-intake.js";
import { killHard, startApiChild, startWorkerChild } from "../support/child-process.js";
import { apiKey, eventually, outcomeBody, salesforceTestConfig } from "../support/harness.js";
import { dropPrefix, uniquePrefix } from "../support/redis.js";
import { faultsSize, leadLedger, outcomeLedger, queueDrained, random, report } from "./support.js";

/** More leads than outcomes: a lease request cut off by a kill may hold a lead until its TTL. */
const slack = 20;

describe("fault: 2 API + 2 worker processes, kill -9 of one of each mid-run", () => {
  let sandbox: CrmSandbox;
  let telesync: Telesync;
  let prefix: string;
  const children: ChildProcess[] = [];
  afterEach(async () => {
    for (const child of children) await killHard(child);
    sandbox?.salesforce.clearFaults();
    await telesync?.close();
    await sandbox?.close();
    await dropPrefix(prefix);
  });

  it("dialers fail over to the other API; every lead queued once, every outcome in the CRM once", async () => {
    sandbox = await startSandbox({ port: 0 });
    prefix = uniquePrefix();
    const agent = sandbox.salesforce.insert("User", { Username: "a7@sandbox.example", LastName: "Seven" });
    const ids = sandbox.salesforce.seedLeads(faultsSize + slack);
    // This process only syncs and reads the ledger: leases, outcomes and writeback are the children's.
    telesync = createTelesync({
      config: salesforceTestConfig(sandbox.url, prefix, agent),
      compliance: false,
    });
    await telesync.sync("leads");
    const env = { SANDBOX_URL: sandbox.url, TELESYNC_PREFIX: prefix, AGENT_USER_ID: agent };
    const apis = await Promise.all([startApiChild(env), startApiChild(env)]);
    children.push(...apis.map((a) => a.child));
    const workers = await Promise.all([startWorkerChild(env), startWorkerChild(env)]);
    children.push(...workers);
    // Writes slow (kills land with batches in flight), a fifth of responses lost after the write.
    sandbox.salesforce.injectFault({
      kind: "timeout",
      delayMs: 300,
      count: 100_000,
      match: "composite-create",
    });
    sandbox.salesforce.injectFault({
      kind: "lost-response",
      count: 100_000,
      match: { kind: "composite-create", probability: 0.2 },
    });
    sandbox.salesforce.injectFault({
      kind: "timeout",
      delayMs: 300,
      count: 100_000,
      match: "composite-create",
    });

    // A dialer behind a load balancer: a request that fails on the network goes to the other API,
    // the same outcome with the same outcomeId.
    const alive = new Set(apis.map((a) => a.url));
    let turn = 0;
    let failovers = 0;
    const call = async (method: string, path: string, body?: unknown): Promise<Response> => {
      for (let attempt = 0; attempt < 20; attempt++) {
        const urls = [...alive];
        const url = urls[turn++ % urls.length] as string;
        try {
          return await fetch(`${url}${path}`, {
            method,
            headers: {
              authorization: `Bearer ${apiKey}`,
              ...(body === undefined ? {} : { "content-type": "application/json" }),
            },
            ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          });
        } catch {
          failovers++;
          const dead = apis.find((a) => a.url === url && a.child.signalCode !== null);
          if (dead && alive.size > 1) alive.delete(url);
        }
      }
      throw new Error(`${method} ${path}: no API answered`);
    };

    const killApiAt = Math.floor(faultsSize / 4 + random() * (faultsSize / 4));
    const kills: string[] = [];
    const posted: string[] = [];
    let next = 0;
    const dialers = Array.from({ length: 4 }, async () => {
      while (next < faultsSize) {
        const n = next++;
        if (n === killApiAt) {
          await killHard(apis[0]?.child);
          kills.push(`API 1 SIGKILL after ${n} outcomes`);
        }
        const leased = await call("POST", "/v1/campaigns/q4/leases");
        expect(leased.status).toBe(200);
        const { leaseId } = (await leased.json()) as { leaseId: string };
        const outcomeId = `multi-${n}`;
        const answer = await call("POST", `/v1/leases/${leaseId}/outcome`, outcomeBody(outcomeId));
        expect(answer.status).toBe(202);
        posted.push(outcomeId);
      }
    });
    // Worker 1 dies with a batch request in flight, at a seeded moment inside the CRM's 300 ms hold.
    const killWorker = (async () => {
      await eventually(
        () => sandbox.salesforce.stats()["composite-create"] > 2,
        120_000,
        "batches in flight",
      );
      await new Promise((r) => setTimeout(r, Math.floor(random() * 300)));
      await killHard(workers[0]);
      kills.push(`worker 1 SIGKILL during batch request ${sandbox.salesforce.stats()["composite-create"]}`);
    })();
    await Promise.all([...dialers, killWorker]);

    const intake = new WritebackIntake(telesync.redis, prefix);
    await eventually(() => queueDrained(intake, "sf"), 180_000, "writeback drained by the surviving worker");
    const outcomes = await outcomeLedger(
      posted,
      sandbox.salesforce.all("Task").map((t) => t.CallObject),
      new DeadLetterQueue(telesync.redis, prefix),
    );
    const leads = await leadLedger(
      telesync.dialQueues.get("q4").queue,
      ids.map((id) => `sf/Lead/${id}`),
    );
    await intake.close();
    expect(posted).toHaveLength(faultsSize);
    expect(outcomes).toEqual({ duplicates: 0, losses: 0, deadLettered: 0 });
    expect(leads).toEqual({ duplicates: 0, losses: 0 });
    report({
      scenario: "2 API + 2 worker processes, kill -9 of one of each",
      leads: ids.length,
      outcomes: posted.length,
      faults: [...kills, `${failovers} requests failed over`, "lost-response p=0.2"],
      duplicates: outcomes.duplicates + leads.duplicates,
      losses: outcomes.losses + leads.losses,
      deadLettered: outcomes.deadLettered,
    });
  }, 300_000);
});
