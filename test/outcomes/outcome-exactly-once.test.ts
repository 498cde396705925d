import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HeldLease } from "../../src/dialer/lease-service.js";
import { DispositionStats } from "../../src/outcomes/disposition-stats.js";
import { OutcomeLedger } from "../../src/outcomes/outcome-ledger.js";
import { type OutcomeReport, OutcomeService } from "../../src/outcomes/outcome-service.js";
import { WritebackOutbox } from "../../src/writeback/outbox-relay.js";
import { writebackJobId } from "../../src/writeback/outcome-intake.js";
import { eventually, type Harness, outcomeBody, startHarness } from "../support/harness.js";

interface LeaseBody {
  leaseId: string;
  lead: { key: string; phone: string };
}

const report = (outcomeId: string): OutcomeReport => ({
  outcomeId,
  disposition: "connected",
  startedAt: "2026-11-28T15:04:05.000Z",
  durationSec: 95,
  direction: "outbound",
});

describe("outcomes: duplicate only on the same lease, and a retry after a crash finishes the job", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ leads: 8 });
  });
  afterAll(async () => {
    await h?.close();
  });

  async function lease(): Promise<LeaseBody> {
    const response = await h.call("POST", "/v1/campaigns/q4/leases");
    expect(response.status).toBe(200);
    return (await response.json()) as LeaseBody;
  }
  const jobState = async (leadKey: string) =>
    (await h.telesync.dialQueues.get("q4").queue.getJob(leadKey))?.getState();
  const writebackJob = (outcomeId: string) =>
    h.service.intake.queue("sf").getJob(writebackJobId("o", outcomeId));
  const connectedCount = async () => (await h.service.outcomes.dispositionCounts("q4")).connected ?? 0;
  const attemptsOn = async (phone: string) =>
    (await h.telesync.compliance.attempts.read([phone], h.telesync.now()))[0]?.length ?? 0;

  /** An OutcomeService on the harness's parts, with one step made to fail like a crash there. */
  function crashingService(crash: {
    beforeQueueing?: boolean;
    beforeTransition?: boolean;
    receipts?: boolean;
    /** The job appended to the outbox by the acceptance (needs `receipts`), as the service does. */
    outbox?: boolean;
  }): OutcomeService {
    const { telesync, service } = h;
    return new OutcomeService({
      leases: {
        held: async (leaseId) => {
          const held = await service.leases.held(leaseId);
          if (!crash.beforeTransition) return held;
          // The real job, whose completion dies with the process.
          const job = Object.create(held.job) as HeldLease["job"];
          job.moveToCompleted = async () => {
            throw new Error("process killed before the transition");
          };
          return { ...held, job };
        },
      },
      dialQueues: telesync.dialQueues,
      ledger: new OutcomeLedger(telesync.redis, telesync.prefix),
      intake: crash.beforeQueueing
        ? {
            enqueue: async () => {
              throw new Error("process killed before queueing");
            },
          }
        : service.intake,
      receipts: crash.receipts ? service.intake.receipts : undefined,
      outbox: crash.outbox ? new WritebackOutbox(telesync.prefix) : undefined,
      transitions: service.transitions,
      stats: new DispositionStats(telesync.redis, telesync.prefix),
      attempts: telesync.compliance.attempts,
      abandonment: telesync.compliance.abandonmentGuard,
      now: telesync.now,
    });
  }

  it("answers duplicate on the same lease, 409 outcome_conflict on another, 404 on a lease id never issued", async () => {
    const before = await connectedCount();
    const first = await lease();
    const accepted = await h.call("POST", `/v1/leases/${first.leaseId}/outcome`, outcomeBody("dup-1"));
    expect(accepted.status).toBe(202);
    expect(await accepted.json()).toMatchObject({ duplicate: false });

    const second = await lease();
    const conflict = await h.call("POST", `/v1/leases/${second.leaseId}/outcome`, outcomeBody("dup-1"));
    expect(conflict.status).toBe(409);
    expect(await conflict.json()).toMatchObject({ error: "outcome_conflict" });
    // The other lead is untouched: still leased to its dialer, who can release it.
    expect(await jobState(second.lead.key)).toBe("active");
    expect((await h.call("POST", `/v1/leases/${second.leaseId}/release`)).status).toBe(204);

    const bogus = await h.call("POST", "/v1/leases/not-a-lease-id-at-all/outcome", outcomeBody("dup-1"));
    expect(bogus.status).toBe(404);

    const again = await h.call("POST", `/v1/leases/${first.leaseId}/outcome`, outcomeBody("dup-1"));
    expect(again.status).toBe(202);
    expect(await again.json()).toMatchObject({ duplicate: true });
    // One outcome was accepted in all: one more connected call.
    expect(await connectedCount()).toBe(before + 1);
  });

  it("a retry after a crash before the CRM job was queued queues it and completes the lead, counting once", async () => {
    const before = await connectedCount();
    const leased = await lease();
    await expect(
      crashingService({ beforeQueueing: true }).report(leased.leaseId, report("crash-a")),
    ).rejects.toThrow(/killed/);
    expect(await jobState(leased.lead.key)).toBe("active");
    expect(await writebackJob("crash-a")).toBeUndefined();

    const retry = await h.call("POST", `/v1/leases/${leased.leaseId}/outcome`, outcomeBody("crash-a"));
    expect(retry.status).toBe(202);
    expect(await retry.json()).toMatchObject({ duplicate: true });
    expect(await writebackJob("crash-a")).toBeDefined();
    expect(await jobState(leased.lead.key)).toBe("completed");
    expect(await connectedCount()).toBe(before + 1);
    expect(await attemptsOn(leased.lead.phone)).toBe(1);
  });

  it("the receipt says accepted from the acceptance step on, even when the process dies before queueing", async () => {
    const leased = await lease();
    await expect(
      crashingService({ beforeQueueing: true, receipts: true }).report(leased.leaseId, report("crash-r")),
    ).rejects.toThrow(/killed/);
    expect(await writebackJob("crash-r")).toBeUndefined();
    const receipt = await h.service.intake.receipts.read("crash-r");
    expect(receipt).toMatchObject({
      state: "accepted",
      direction: "outbound",
      leadKey: leased.lead.key,
      campaign: "q4",
      disposition: "connected",
    });
    expect(receipt?.acceptedAt).toBeDefined();

    const retry = await h.call("POST", `/v1/leases/${leased.leaseId}/outcome`, outcomeBody("crash-r"));
    expect(await retry.json()).toMatchObject({ duplicate: true });
    expect(await writebackJob("crash-r")).toBeDefined();
    expect(await jobState(leased.lead.key)).toBe("completed");
    // Written once: the retry's intake found it and left it as it was.
    expect((await h.service.intake.receipts.read("crash-r"))?.acceptedAt).toBe(receipt?.acceptedAt);
  });

  it("a retry after a crash between queueing and the lead's transition completes the lead, counting once", async () => {
    const before = await connectedCount();
    const leased = await lease();
    await expect(
      crashingService({ beforeTransition: true }).report(leased.leaseId, report("crash-b")),
    ).rejects.toThrow(/killed/);
    expect(await writebackJob("crash-b")).toBeDefined();
    expect(await jobState(leased.lead.key)).toBe("active");

    const retry = await h.call("POST", `/v1/leases/${leased.leaseId}/outcome`, outcomeBody("crash-b"));
    expect(retry.status).toBe(202);
    expect(await retry.json()).toMatchObject({ duplicate: true });
    expect(await jobState(leased.lead.key)).toBe("completed");
    expect(await connectedCount()).toBe(before + 1);
    expect(await attemptsOn(leased.lead.phone)).toBe(1);
    // And a third post changes nothing more.
    const third = await h.call("POST", `/v1/leases/${leased.leaseId}/outcome`, outcomeBody("crash-b"));
    expect(await third.json()).toMatchObject({ duplicate: true });
    expect(await connectedCount()).toBe(before + 1);
  });
});

describe("outcomes through the writeback outbox: a crash after the acceptance", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ leads: 2 });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("the CRM job is queued once by the relay, and the retry completes the lead, counting once", async () => {
    const { telesync, service } = h;
    const leased = (await (await h.call("POST", "/v1/campaigns/q4/leases")).json()) as LeaseBody;
    const crashing = new OutcomeService({
      leases: {
        held: async (leaseId) => {
          const held = await service.leases.held(leaseId);
          const job = Object.create(held.job) as HeldLease["job"];
          job.moveToCompleted = async () => {
            throw new Error("process killed before the transition");
          };
          return { ...held, job };
        },
      },
      dialQueues: telesync.dialQueues,
      ledger: new OutcomeLedger(telesync.redis, telesync.prefix),
      // Never called on this path: the acceptance step queues the job (its outbox entry).
      intake: {
        enqueue: async () => {
          throw new Error("queued outside the acceptance");
        },
      },
      receipts: service.intake.receipts,
      outbox: new WritebackOutbox(telesync.prefix),
      transitions: service.transitions,
      stats: new DispositionStats(telesync.redis, telesync.prefix),
      attempts: telesync.compliance.attempts,
      abandonment: telesync.compliance.abandonmentGuard,
      now: telesync.now,
    });
    const before = (await service.outcomes.dispositionCounts("q4")).connected ?? 0;
    await expect(crashing.report(leased.leaseId, report("crash-o"))).rejects.toThrow(/killed/);
    const queue = service.intake.queue("sf");
    await eventually(
      async () => (await queue.getJob(writebackJobId("o", "crash-o"))) !== undefined,
      10_000,
      "the relay queued the job",
    );
    await eventually(
      async () => (await telesync.redis.xlen(new WritebackOutbox(telesync.prefix).key("sf"))) === 0,
      10_000,
      "the outbox emptied",
    );

    const retry = await h.call("POST", `/v1/leases/${leased.leaseId}/outcome`, outcomeBody("crash-o"));
    expect(retry.status).toBe(202);
    expect(await retry.json()).toMatchObject({ duplicate: true });
    expect(
      await telesync.dialQueues
        .get("q4")
        .queue.getJob(leased.lead.key)
        .then((j) => j?.getState()),
    ).toBe("completed");
    expect((await service.outcomes.dispositionCounts("q4")).connected ?? 0).toBe(before + 1);
    // One job for the outcome, whatever was retried: its id is the outcome's.
    const jobs = await queue.getJobs(["waiting", "active", "delayed", "prioritized", "completed"]);
    expect(
      jobs.filter((j) => j.data.kind === "outcome" && j.data.outcome.outcomeId === "crash-o"),
    ).toHaveLength(1);
  });
});

describe("leases: extend never moves expiresAt past notAfter", () => {
  let h: Harness;
  let clock = Date.parse("2026-11-30T15:00:00.000Z");
  const windowMs = 5_000;
  beforeAll(async () => {
    h = await startHarness({
      leads: 3,
      now: () => new Date(clock),
      // The lead's calling window closes 5 s from the lease (the campaign's TTL is 30 s).
      service: {
        gate: async (_lead, _campaign, now) => ({
          decision: "allow",
          notAfter: new Date(now.getTime() + windowMs),
        }),
      },
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("caps expiresAt at notAfter, refuses an extension once it has passed, and still takes the outcome", async () => {
    const leased = (await (await h.call("POST", "/v1/campaigns/q4/leases")).json()) as {
      leaseId: string;
      expiresAt: string;
      notAfter: string;
    };
    const notAfter = "2026-11-30T15:00:05.000Z";
    expect(leased.notAfter).toBe(notAfter);
    expect(leased.expiresAt).toBe(notAfter);

    clock += 2_000;
    const extended = await h.call("POST", `/v1/leases/${leased.leaseId}/extend`);
    expect(extended.status).toBe(200);
    expect(await extended.json()).toEqual({ expiresAt: notAfter });

    clock += 4_000;
    const late = await h.call("POST", `/v1/leases/${leased.leaseId}/extend`);
    expect(late.status).toBe(409);
    expect(((await late.json()) as { message: string }).message).toMatch(/notAfter/);

    // The call happened: its outcome is recorded even though the window has closed.
    const outcome = await h.call("POST", `/v1/leases/${leased.leaseId}/outcome`, outcomeBody("late-1"));
    expect(outcome.status).toBe(202);
  });
});
