import { afterEach, describe, expect, it } from "vitest";
import { eventually, type Harness, startHarness } from "../support/harness.js";

interface Receipt {
  state: string;
  leadKey?: string;
  reason?: string;
  lastError?: string;
  nextAttemptAt?: string;
  records?: Array<{ role: string; objectType: string; id: string; url?: string }>;
}

const calls = 500;
const deletedLeads = 3;

describe("500 inbound calls with lost responses (sandbox, real jsforce, real Redis)", () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it("writes exactly one Task per call and every receipt ends written (with ids that exist) or dead-lettered", async () => {
    h = await startHarness({
      leads: calls + deletedLeads,
      // Short batch window: many small collections requests, so the lost responses hit many of them.
      service: { writeback: { batchWindowMs: 5 } },
    });
    const sf = h.sandbox.salesforce;
    // Deleted in the CRM after telesync queued them: their calls are refused for good.
    const gone = h.leadIds.slice(0, deletedLeads);
    const phones = new Map(h.leadIds.map((id) => [id, String(sf.get("Lead", id)?.Phone)]));
    for (const id of gone) sf.delete("Lead", id);
    // One response in five is lost after Salesforce applied the write.
    sf.resetStats();
    sf.injectFault({
      kind: "lost-response",
      count: 10_000,
      match: { kind: "composite-create", probability: 0.2 },
    });

    const outcomeOf = (id: string) => `inbound-${id}`;
    const queue = [...h.leadIds];
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
          const response = await h.call("POST", "/v1/calls", {
            direction: "inbound",
            phone: phones.get(id),
            outcomeId: outcomeOf(id),
            disposition: "connected",
            startedAt: "2026-11-30T16:00:00.000Z",
            durationSec: 60,
          });
          expect(response.status).toBe(202);
          expect(await response.json()).toMatchObject({
            leadKey: `sf/Lead/${id}`,
            attributedBy: "single-match",
          });
        }
      }),
    );

    const receipts = new Map<string, Receipt>();
    await eventually(
      async () => {
        for (const id of h.leadIds) {
          const known = receipts.get(id);
          if (known && (known.state === "written" || known.state === "dead-lettered")) continue;
          const response = await h.call("GET", `/v1/outcomes/${outcomeOf(id)}`);
          receipts.set(id, (await response.json()) as Receipt);
        }
        return [...receipts.values()].every((r) => r.state === "written" || r.state === "dead-lettered");
      },
      120_000,
      "every receipt final",
    );

    // Tasks are looked up by CallObject only on a retry after an ambiguous failure: lost responses happened.
    expect(sf.stats().query).toBeGreaterThan(0);
    const tasks = sf.all("Task");
    expect(tasks).toHaveLength(calls);
    expect(new Set(tasks.map((t) => t.CallObject)).size).toBe(calls);
    for (const id of h.leadIds) {
      const receipt = receipts.get(id) as Receipt;
      expect(receipt.leadKey).toBe(`sf/Lead/${id}`);
      if (gone.includes(id)) {
        expect(receipt.state).toBe("dead-lettered");
        expect(receipt.reason).toBeTruthy();
        expect(receipt.records).toBeUndefined();
        continue;
      }
      expect(receipt.state).toBe("written");
      const activity = receipt.records?.find((r) => r.role === "activity");
      expect(activity?.objectType).toBe("Task");
      expect(sf.get("Task", activity?.id as string)).toMatchObject({
        WhoId: id,
        CallObject: outcomeOf(id),
        CallType: "Inbound",
      });
    }
    expect(await h.service.deadLetters.count()).toBe(deletedLeads);
  }, 180_000);
});
