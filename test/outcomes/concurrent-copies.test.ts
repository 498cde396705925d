import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OutcomeReport } from "../../src/outcomes/outcome-service.js";
import { writebackJobId } from "../../src/writeback/outcome-intake.js";
import { eventually, type Harness, startHarness } from "../support/harness.js";

const report = (outcomeId: string): OutcomeReport => ({
  outcomeId,
  disposition: "connected",
  startedAt: "2026-11-28T15:04:05.000Z",
  durationSec: 95,
  direction: "outbound",
});

// A dialer that times out and resends while the first request is still running sends the same
// outcome twice at once, on the same lease: one is accepted, the others answer `duplicate`.
describe("copies of one outcome sent at the same moment (real Redis, real BullMQ)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ leads: 6 });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("each copy answers, one is accepted, and the outcome counts and queues once", async () => {
    const { outcomes, leases, intake } = h.service;
    for (let n = 0; n < 6; n++) {
      const lease = await leases.lease("q4");
      expect(lease).toBeDefined();
      if (!lease) return;
      const outcomeId = `copies-${n}`;
      const before = (await outcomes.dispositionCounts("q4")).connected ?? 0;
      const answers = await Promise.allSettled(
        [0, 1, 2].map(() => outcomes.report(lease.leaseId, report(outcomeId))),
      );
      const rejected = answers.filter((a) => a.status === "rejected");
      expect(rejected.map((a) => String((a as PromiseRejectedResult).reason))).toEqual([]);
      const duplicates = answers.map(
        (a) => (a as PromiseFulfilledResult<{ duplicate: boolean }>).value.duplicate,
      );
      expect(duplicates.filter((d) => !d)).toHaveLength(1);
      expect((await outcomes.dispositionCounts("q4")).connected ?? 0).toBe(before + 1);
      // The acceptance appended the job to the outbox; the relay queues it (under its one id).
      await eventually(
        async () => (await intake.queue("sf").getJob(writebackJobId("o", outcomeId))) !== undefined,
        10_000,
        "writeback job queued by the outbox relay",
      );
      expect(
        await h.telesync.dialQueues
          .get("q4")
          .queue.getJob(lease.lead.key)
          .then((j) => j?.getState()),
      ).toBe("completed");
    }
  });
});
