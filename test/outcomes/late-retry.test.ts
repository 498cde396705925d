import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HeldLease } from "../../src/dialer/lease-service.js";
import { DispositionStats } from "../../src/outcomes/disposition-stats.js";
import { OutcomeLedger } from "../../src/outcomes/outcome-ledger.js";
import { type OutcomeReport, OutcomeService } from "../../src/outcomes/outcome-service.js";
import { writebackJobId } from "../../src/writeback/outcome-intake.js";
import { eventually, type Harness, outcomeBody, startHarness } from "../support/harness.js";

interface LeaseBody {
  leaseId: string;
  attempts: number;
  lead: { key: string; phone: string };
}

const report = (outcomeId: string, disposition = "connected"): OutcomeReport => ({
  outcomeId,
  disposition,
  startedAt: "2026-11-30T15:00:05.000Z",
  durationSec: 40,
  direction: "outbound",
});

/** The campaign's retry delay for no_answer (test-config.ts: `no_answer: retry, delay 1h`). */
const retryDelayMs = 3_600_000;

describe("an outcome retried after its lease expired moves the lead on exactly once", () => {
  let h: Harness;
  let clock = Date.parse("2026-11-30T15:00:00.000Z");
  beforeAll(async () => {
    h = await startHarness({
      leads: 6,
      now: () => new Date(clock),
      // Leases lapse in a second (real time: a BullMQ lock is a Redis PX), and the stalled check
      // returns them at once, so "the process died and the lease expired" takes a second here.
      configure: (input) => ({
        ...input,
        campaigns: { q4: { ...input.campaigns?.q4, lease: { ttl: "1s" } } },
      }),
      service: { stalledIntervalMs: 200 },
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  const queue = () => h.telesync.dialQueues.get("q4").queue;
  const jobOf = (leadKey: string) => queue().getJob(leadKey);
  const stateOf = async (leadKey: string) => (await jobOf(leadKey))?.getState();
  const counted = async (disposition: string) =>
    (await h.service.outcomes.dispositionCounts("q4"))[disposition] ?? 0;
  const attemptsOn = async (phone: string) =>
    (await h.telesync.compliance.attempts.read([phone], h.telesync.now()))[0]?.length ?? 0;
  const pending = (leadKey: string) => h.service.transitions.get("q4", leadKey);

  async function lease(): Promise<LeaseBody | undefined> {
    const response = await h.call("POST", "/v1/campaigns/q4/leases");
    if (response.status === 204) return undefined;
    expect(response.status).toBe(200);
    return (await response.json()) as LeaseBody;
  }

  /**
   * Lease every lead there is now (kept until the end, so none comes round twice; stop at a repeat,
   * as a 1 s lease may lapse meanwhile), then release them: which leads a dialer could get now.
   */
  async function leaseAll(): Promise<LeaseBody[]> {
    const got: LeaseBody[] = [];
    for (let i = 0; i < 10; i++) {
      const next = await lease();
      if (!next) break;
      const repeat = got.some((g) => g.lead.key === next.lead.key);
      got.push(next);
      if (repeat) break;
    }
    for (const g of got) await h.call("POST", `/v1/leases/${g.leaseId}/release`);
    return got;
  }

  /** Accepted, CRM job queued, then the process dies before the lead's move. */
  function diesBeforeTheMove(): OutcomeService {
    const { telesync, service } = h;
    return new OutcomeService({
      leases: {
        held: async (leaseId) => {
          const held = await service.leases.held(leaseId);
          const job = Object.create(held.job) as HeldLease["job"];
          job.moveToCompleted = async () => {
            throw new Error("process killed before the move");
          };
          job.updateData = async () => {
            throw new Error("process killed before the move");
          };
          return { ...held, job };
        },
      },
      dialQueues: telesync.dialQueues,
      ledger: new OutcomeLedger(telesync.redis, telesync.prefix),
      intake: service.intake,
      transitions: service.transitions,
      stats: new DispositionStats(telesync.redis, telesync.prefix),
      attempts: telesync.compliance.attempts,
      abandonment: telesync.compliance.abandonmentGuard,
      now: telesync.now,
    });
  }

  /** The lease's lock lapsed and the stalled check gave the job back to the queue. */
  const expired = (leadKey: string) =>
    eventually(async () => (await stateOf(leadKey)) === "waiting", 20_000, "the lease expired and returned");

  it("done: the retry queues nothing twice and cannot move it; the next lease completes it, once", async () => {
    const before = await counted("connected");
    const leased = (await lease()) as LeaseBody;
    await expect(diesBeforeTheMove().report(leased.leaseId, report("late-done"))).rejects.toThrow(/killed/);
    expect(await h.service.intake.queue("sf").getJob(writebackJobId("o", "late-done"))).toBeDefined();
    expect(await pending(leased.lead.key)).toMatchObject({
      outcomeId: "late-done",
      step: { action: "done" },
    });
    await expired(leased.lead.key);

    const retry = await h.call("POST", `/v1/leases/${leased.leaseId}/outcome`, outcomeBody("late-done"));
    expect(retry.status).toBe(202);
    expect(await retry.json()).toMatchObject({ duplicate: true });
    // The retry has no token to move the job with: it stays for the next lease to settle.
    expect(await stateOf(leased.lead.key)).toBe("waiting");

    // Every lead of the queue is leased: the done lead is never handed out.
    const handedOut = (await leaseAll()).map((l) => l.lead.key);
    expect(handedOut.length).toBeGreaterThan(0);
    expect(handedOut).not.toContain(leased.lead.key);
    expect(await stateOf(leased.lead.key)).toBe("completed");
    expect((await jobOf(leased.lead.key))?.returnvalue).toEqual({ outcome: "connected" });
    expect(await pending(leased.lead.key)).toBeUndefined();
    // Counted once, an attempt once, one CRM job.
    expect(await counted("connected")).toBe(before + 1);
    expect(await attemptsOn(leased.lead.phone)).toBe(1);
    const again = await h.call("POST", `/v1/leases/${leased.leaseId}/outcome`, outcomeBody("late-done"));
    expect(await again.json()).toMatchObject({ duplicate: true });
    expect(await counted("connected")).toBe(before + 1);
  });

  it("retry: the next lease holds the lead until the outcome's retry time (telesync's clock), attempts counted once", async () => {
    const leased = (await lease()) as LeaseBody;
    const decidedAt = clock;
    await expect(
      diesBeforeTheMove().report(leased.leaseId, report("late-retry", "no_answer")),
    ).rejects.toThrow(/killed/);
    await expired(leased.lead.key);
    // Later on telesync's clock than the outcome: the retry time is the outcome's, not the settler's.
    clock += 60_000;
    expect((await leaseAll()).map((l) => l.lead.key)).not.toContain(leased.lead.key);
    expect(await stateOf(leased.lead.key)).toBe("delayed");
    expect((await jobOf(leased.lead.key))?.data.attempts).toBe(1);

    // Not before the retry time…
    clock = decidedAt + retryDelayMs - 1_000;
    expect((await leaseAll()).map((l) => l.lead.key)).not.toContain(leased.lead.key);
    // …and at it, the lead comes back with one attempt, the move applied once.
    clock = decidedAt + retryDelayMs;
    const back = (await leaseAll()).find((l) => l.lead.key === leased.lead.key);
    expect(back?.attempts).toBe(1);
    expect(await pending(leased.lead.key)).toBeUndefined();
  });

  it("a move applied whose record was not yet deleted (a crash between the two) is not applied again", async () => {
    const leased = (await lease()) as LeaseBody;
    const decidedAt = clock;
    // The normal path applies the move (held for 1 h, attempts 1); then its record is put back, as a
    // crash between applying and deleting leaves it.
    const accepted = await h.call(
      "POST",
      `/v1/leases/${leased.leaseId}/outcome`,
      outcomeBody("applied-once", { disposition: "no_answer" }),
    );
    expect(accepted.status).toBe(202);
    expect(await stateOf(leased.lead.key)).toBe("delayed");
    const move = {
      outcomeId: "applied-once",
      disposition: "no_answer",
      jobTimestamp: (await jobOf(leased.lead.key))?.timestamp,
      step: { action: "retry", at: decidedAt + retryDelayMs, attempts: 1 },
    };
    await h.telesync.redis.set(h.service.transitions.key("q4", leased.lead.key), JSON.stringify(move));

    clock = decidedAt + retryDelayMs;
    // Leased at its retry time, then abandoned (the lock lapses, the stalled check returns it).
    let back: LeaseBody | undefined;
    for (let i = 0; i < 10 && !back; i++) {
      const next = await lease();
      if (next?.lead.key === leased.lead.key) back = next;
      if (!next) break;
    }
    expect(back?.attempts).toBe(1);
    await expired(leased.lead.key);
    expect((await jobOf(leased.lead.key))?.stalledCounter).toBeGreaterThan(0);
    // Leased again: the stale record is recognised as applied (attempts already 1, retry time
    // passed) and dropped; the lead is handed out, not held for another hour.
    const again = (await leaseAll()).find((l) => l.lead.key === leased.lead.key);
    expect(again?.attempts).toBe(1);
    expect(await pending(leased.lead.key)).toBeUndefined();
  });
});
