import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AnswerStats } from "../../src/outcomes/answer-stats.js";
import { DispositionStats } from "../../src/outcomes/disposition-stats.js";
import { OutcomeLedger } from "../../src/outcomes/outcome-ledger.js";
import { OutcomeService } from "../../src/outcomes/outcome-service.js";
import { type Harness, outcomeBody, startHarness } from "../support/harness.js";
import { outreachScriptInput } from "./fixtures.js";

const answers = { support: "strong", volunteer: true, hours: 12 };

describe("answer counters under a crash: counted in the acceptance step, never twice", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      leads: 4,
      configure: (input) => {
        (input.campaigns.q4 as Record<string, unknown>).script = outreachScriptInput;
        return input;
      },
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  const distribution = async () =>
    (await (await h.call("GET", "/v1/campaigns/q4/answers")).json()) as {
      outcomes: number;
      questions: Array<{ id: string; answered: number; counts?: Record<string, number> }>;
    };

  it("an outcome whose process died after acceptance, then retried twice, counts its answers once", async () => {
    const leased = (await (await h.call("POST", "/v1/campaigns/q4/leases")).json()) as { leaseId: string };
    const { telesync, service } = h;
    const crashing = new OutcomeService({
      leases: service.leases,
      dialQueues: telesync.dialQueues,
      ledger: new OutcomeLedger(telesync.redis, telesync.prefix),
      intake: {
        enqueue: async () => {
          throw new Error("process killed before queueing");
        },
      },
      transitions: service.transitions,
      stats: new DispositionStats(telesync.redis, telesync.prefix),
      attempts: telesync.compliance.attempts,
      abandonment: telesync.compliance.abandonmentGuard,
      answers: new AnswerStats(telesync.redis, telesync.prefix),
      now: telesync.now,
    });
    const body = outcomeBody("crash-survey", { answers });
    await expect(
      crashing.report(leased.leaseId, {
        outcomeId: "crash-survey",
        disposition: "connected",
        startedAt: String(body.startedAt),
        durationSec: 95,
        direction: "outbound",
        answers,
      }),
    ).rejects.toThrow(/killed/);
    // Accepted before the crash: counted once already.
    expect((await distribution()).outcomes).toBe(1);
    for (let i = 0; i < 2; i++) {
      const retry = await h.call("POST", `/v1/leases/${leased.leaseId}/outcome`, body);
      expect(retry.status).toBe(202);
      expect(await retry.json()).toMatchObject({ duplicate: true });
    }
    const after = await distribution();
    expect(after.outcomes).toBe(1);
    expect(after.questions.find((q) => q.id === "support")?.counts).toEqual({
      strong: 1,
      lean: 0,
      undecided: 0,
      oppose: 0,
    });
    expect(after.questions.find((q) => q.id === "hours")?.answered).toBe(1);
  });
});
