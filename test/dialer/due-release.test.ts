import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Lease } from "../../src/dialer/lease-service.js";
import type { Lead } from "../../src/model/lead.js";
import type { OutcomeReport } from "../../src/outcomes/outcome-service.js";
import type { DialJobData } from "../../src/queues/dial-queue.js";
import { TelesyncService } from "../../src/runtime/service.js";
import { eventually, type Harness, outcomeBody, startHarness } from "../support/harness.js";

const HOUR = 3_600_000;

/** An outcome whose policy (test-config's `no_answer`) holds the lead for an hour of telesync's clock. */
const heldReport = (outcomeId: string) =>
  outcomeBody(outcomeId, { disposition: "no_answer", durationSec: 0 }) as unknown as OutcomeReport;
const start = Date.parse("2026-12-01T15:00:00.000Z");

/** `count` copies of a lead, each its own CRM record and number. */
function copies(lead: Lead, count: number): Lead[] {
  const stem = lead.phone.slice(0, -4);
  return Array.from({ length: count }, (_v, i) => ({
    ...lead,
    key: `${lead.key}-c${i}`,
    crmId: `${lead.crmId}C${i}`,
    phone: `${stem}${String(i).padStart(4, "0")}`,
    altPhones: [],
  }));
}

describe("held leads are released on telesync's clock by a background timer, not by leases", () => {
  let h: Harness;
  let clock = start;
  beforeAll(async () => {
    h = await startHarness({
      leads: 1,
      now: () => new Date(clock),
      // A short tick so the test need not wait a second for the timer.
      service: { dueReleaseIntervalMs: 50 },
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  const dial = () => h.telesync.dialQueues.get("q4");
  const dueEntry = (jobId: string) => h.telesync.redis.zscore(`${h.telesync.prefix}:dial-due:q4`, jobId);

  it("a lead held until T is not leasable at T − 1 ms and is leasable at T: released by the timer, no lease needed", async () => {
    const first = (await h.service.leases.lease("q4")) as Lease;
    expect(first).toBeDefined();
    // The campaign's `no_answer` policy: retry in 1 h (test-config), on telesync's clock.
    await h.service.outcomes.report(first.leaseId, heldReport("held-1"));
    const jobId = first.lead.key;
    const until = start + HOUR;
    expect(Number(await dueEntry(jobId))).toBe(until);
    expect(await (await dial().queue.getJob(jobId))?.getState()).toBe("delayed");

    clock = until - 1;
    expect(await h.service.leases.lease("q4")).toBeUndefined();
    expect(Number(await dueEntry(jobId))).toBe(until);

    clock = until;
    // The timer alone takes the entry out and moves the job to the wait list (its real-time delay
    // is still an hour away): no lease runs meanwhile.
    await eventually(async () => (await dueEntry(jobId)) === null, 10_000, "the timer's release");
    expect(await (await dial().queue.getJob(jobId))?.getState()).toBe("waiting");
    const again = (await h.service.leases.lease("q4")) as Lease;
    expect(again?.lead.key).toBe(jobId);
    expect(again.attempts).toBe(1);
    await h.service.leases.release(again.leaseId);
  });

  it("a lease that finds the queue empty releases due holds at once (a driven clock jumps between ticks)", async () => {
    const leased = (await h.service.leases.lease("q4")) as Lease;
    await h.service.outcomes.report(leased.leaseId, heldReport("held-2"));
    const until = clock + HOUR;
    // A second service on the same Redis whose timer has never run: only its lease can release.
    const other = await TelesyncService.start(h.telesync, {
      role: "api",
      listen: false,
      dueReleaseIntervalMs: 3_600_000,
    });
    try {
      clock = until;
      const again = await other.leases.lease("q4");
      expect(again?.lead.key).toBe(leased.lead.key);
      if (again) await other.leases.release(again.leaseId);
    } finally {
      await other.close();
    }
  });
});

describe("a burst of 10,000 held leads falling due at once", () => {
  let h: Harness;
  let clock = start;
  const burst = 10_000;
  beforeAll(async () => {
    h = await startHarness({ leads: 1, now: () => new Date(clock) });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("two lease services racing release each held lead exactly once and leave none behind", {
    timeout: 180_000,
  }, async () => {
    const dial = h.telesync.dialQueues.get("q4");
    const [only] = await dial.queue.getWaiting(0, 0);
    if (!only) throw new Error("the harness queued no lead");
    const lead = (only.data as DialJobData).lead;
    const held = copies(lead, burst).map((copy) => ({ lead: copy, sourceId: "leads", delay: 2 * HOUR }));
    // In slices, as a sync's pages would come (each command well inside the producer's timeout).
    for (let i = 0; i < held.length; i += 500) await dial.upsert(held.slice(i, i + 500), 250);
    expect(await dial.queue.getDelayedCount()).toBe(burst);

    const a = h.service.leases;
    const other = await TelesyncService.start(h.telesync, { role: "api", listen: false });
    const b = other.leases;
    try {
      clock = start + HOUR;
      // Not due yet: nothing is released.
      expect(await Promise.all([a.releaseDue("q4"), b.releaseDue("q4")])).toEqual([0, 0]);

      clock = start + 2 * HOUR;
      const released = await Promise.all([a.releaseDue("q4"), b.releaseDue("q4"), a.releaseDue("q4")]);
      // Each held lead released by exactly one of the racing calls.
      expect(released.reduce((sum, n) => sum + n, 0)).toBe(burst);
      expect(await h.telesync.redis.zcard(`${h.telesync.prefix}:dial-due:q4`)).toBe(0);

      // Both services lease at once: the released jobs are waiting already, no lead is handed out
      // twice, and none is left delayed.
      const leased: string[] = [];
      await Promise.all(
        [a, b].flatMap((service) =>
          Array.from({ length: 10 }, async () => {
            for (let i = 0; i < 5; i++) {
              const lease = await service.lease("q4");
              if (lease) leased.push(lease.lead.key);
            }
          }),
        ),
      );
      expect(leased).toHaveLength(100);
      expect(new Set(leased).size).toBe(100);
      const counts = await dial.queue.getJobCounts("delayed", "waiting", "active");
      expect(counts).toEqual({ delayed: 0, waiting: burst + 1 - 100, active: 100 });
    } finally {
      await other.close();
    }
  });
});
