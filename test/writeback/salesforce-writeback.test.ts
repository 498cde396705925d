import { afterEach, describe, expect, it } from "vitest";
import { eventually, type Harness, outcomeBody, startHarness } from "../support/harness.js";

/** Clients lease and report until the campaign is empty; returns [leaseId, outcomeId] pairs posted. */
async function workTheQueue(h: Harness, clients: number, idPrefix: string): Promise<Array<[string, string]>> {
  const posted: Array<[string, string]> = [];
  await Promise.all(
    Array.from({ length: clients }, async (_v, client) => {
      for (let n = 0; ; n++) {
        const leased = await h.call("POST", "/v1/campaigns/q4/leases");
        if (leased.status === 204) return;
        const { leaseId } = (await leased.json()) as { leaseId: string };
        const outcomeId = `${idPrefix}-${client}-${n}`;
        const response = await h.call("POST", `/v1/leases/${leaseId}/outcome`, outcomeBody(outcomeId));
        expect(response.status).toBe(202);
        posted.push([leaseId, outcomeId]);
      }
    }),
  );
  return posted;
}

function tasks(h: Harness) {
  return h.sandbox.salesforce.all("Task");
}

async function drained(h: Harness): Promise<boolean> {
  const counts = await h.service.intake
    .queue("sf")
    .getJobCounts("waiting", "active", "delayed", "prioritized");
  return Object.values(counts).every((n) => n === 0);
}

describe("Salesforce writeback (sandbox, real jsforce, real Redis, real HTTP)", () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it("turns 1,000 outcomes from 20 clients into exactly 1,000 call Tasks, in batched collections requests", async () => {
    // The default batch window (adaptive, up to 500 ms): what a deployment runs with.
    h = await startHarness({ leads: 1_000, service: { writeback: { lockDurationMs: 30_000 } } });
    h.sandbox.salesforce.resetStats();
    const posted = await workTheQueue(h, 20, "burst");
    expect(posted).toHaveLength(1_000);
    await eventually(() => tasks(h).length === 1_000 && drained(h), 60_000, "1,000 Tasks");
    const all = tasks(h);
    expect(new Set(all.map((t) => t.CallObject)).size).toBe(1_000);
    expect(new Set(all.map((t) => t.WhoId)).size).toBe(1_000);
    expect(all[0]).toMatchObject({
      TaskSubtype: "Call",
      CallType: "Outbound",
      CallDisposition: "Connected",
      CallDurationInSeconds: 95,
      Subject: "Call: Connected",
      Status: "Completed",
      ActivityDate: "2026-11-28",
      OwnerId: h.agentUserId,
    });
    expect(String(all[0]?.Description)).toContain("Interested in a demo");
    // How many requests the 1,000 Tasks take depends on how fast 20 clients report against the batch
    // window; what holds at any speed: at least 5 (sObject Collections take ≤ 200 records and the
    // sandbox refuses more, which would have left Tasks unwritten) and fewer than one per Task.
    const collections = h.sandbox.salesforce.stats()["composite-create"] ?? 0;
    expect(collections).toBeGreaterThanOrEqual(5);
    expect(collections).toBeLessThan(1_000);

    // The same 1,000 outcomes posted again: 202, and no second effect anywhere.
    for (const [leaseId, outcomeId] of posted) {
      const response = await h.call("POST", `/v1/leases/${leaseId}/outcome`, outcomeBody(outcomeId));
      expect(response.status).toBe(202);
      expect(await response.json()).toMatchObject({ duplicate: true });
    }
    await eventually(() => drained(h), 30_000, "drain");
    expect(tasks(h)).toHaveLength(1_000);
    const queue = h.service.intake.queue("sf");
    expect(await queue.getJobCounts("completed")).toMatchObject({ completed: 1_000 });
  });

  it("still writes exactly 1,000 Tasks when 20% of responses are lost after the write applied", async () => {
    h = await startHarness({ leads: 1_000, service: { writeback: { batchWindowMs: 200 } } });
    h.sandbox.salesforce.injectFault({
      kind: "lost-response",
      count: 10_000,
      match: { kind: "composite-create", probability: 0.2 },
    });
    await workTheQueue(h, 20, "lossy");
    await eventually(() => drained(h), 90_000, "writeback to drain");
    const all = tasks(h);
    expect(all).toHaveLength(1_000);
    expect(new Set(all.map((t) => t.CallObject)).size).toBe(1_000);
    expect(await h.service.deadLetters.count()).toBe(0);
  });

  it("writes 199 of a batch of 200 when one record is invalid, dead-letters that one, and replays it after a fix", async () => {
    h = await startHarness({ leads: 200, service: { writeback: { batchWindowMs: 1_000 } } });
    const victim = h.leadIds[57] as string;
    const lift = h.sandbox.salesforce.rejectRecord(
      (record, info) => info.type === "Task" && record.WhoId === victim,
      {
        statusCode: "FIELD_CUSTOM_VALIDATION_EXCEPTION",
        message: "Call Result is required for this lead source",
      },
    );
    await workTheQueue(h, 20, "partial");
    await eventually(
      async () => (await h.service.deadLetters.count()) === 1 && drained(h),
      30_000,
      "dead letter",
    );
    expect(tasks(h)).toHaveLength(199);
    const [letter] = await h.service.deadLetters.list();
    expect(letter?.error).toMatchObject({ kind: "permanent" });
    expect(letter?.error.reason).toContain("Call Result is required");
    expect(letter?.job.lead.crmId).toBe(victim);

    lift();
    expect(await h.service.replayDeadLetter(letter?.id as string)).toBe(true);
    await eventually(() => tasks(h).length === 200, 30_000, "replayed Task");
    expect(tasks(h).filter((t) => t.WhoId === victim)).toHaveLength(1);
    expect(await h.service.deadLetters.count()).toBe(0);
  });

  it("dead-letters an outcome whose lead was deleted between lease and writeback", async () => {
    h = await startHarness({ leads: 5 });
    const leased = (await (await h.call("POST", "/v1/campaigns/q4/leases")).json()) as {
      leaseId: string;
      lead: { crmId: string };
    };
    h.sandbox.salesforce.delete("Lead", leased.lead.crmId);
    await h.call("POST", `/v1/leases/${leased.leaseId}/outcome`, outcomeBody("deleted-lead"));
    await eventually(async () => (await h.service.deadLetters.count()) === 1, 30_000, "dead letter");
    const [letter] = await h.service.deadLetters.list();
    expect(letter?.error.kind).toBe("permanent");
    expect(tasks(h)).toHaveLength(0);
  });
});
