import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, type Harness, outcomeBody, startHarness } from "../support/harness.js";
import { outreachScriptInput, surveyPatterns as patterns } from "./fixtures.js";

interface LeaseBody {
  leaseId: string;
  lead: { crmId: string };
  script?: { questions: Array<{ id: string }> };
}

describe("scripted outcomes: answers to CRM fields and activities exactly once, and their distribution", () => {
  let h: Harness;
  /** Lead id → the pattern its outcome carried; outcomeId and lease of every post. */
  const sent = new Map<string, number>();
  const posted: Array<{ leaseId: string; outcomeId: string; pattern: number }> = [];

  beforeAll(async () => {
    h = await startHarness({
      leads: 1_000,
      service: { writeback: { batchWindowMs: 200 } },
      configure: (input) => {
        const sf = input.integrations.sf as Record<string, unknown>;
        sf.answerFields = {
          support: {
            field: "Support__c",
            values: { strong: "Strong Support", lean: "Leaning", undecided: "Undecided", oppose: "Opposed" },
          },
          volunteer: { field: "Volunteer__c" },
          hours: { field: "Volunteer_Hours__c" },
        };
        const q4 = input.campaigns.q4 as Record<string, unknown>;
        q4.script = outreachScriptInput;
        return input;
      },
    });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it("leases carry the script; an invalid answer is a 400 naming the question", async () => {
    const leased = await h.call("POST", "/v1/campaigns/q4/leases");
    expect(leased.status).toBe(200);
    const lease = (await leased.json()) as LeaseBody;
    expect(lease.script?.questions.map((q) => q.id)).toEqual([
      "support",
      "volunteer",
      "hours",
      "issue",
      "visit_date",
    ]);
    const bad = await h.call(
      "POST",
      `/v1/leases/${lease.leaseId}/outcome`,
      outcomeBody("bad-1", { answers: { support: "strong", volunteer: true, hours: 60 } }),
    );
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      error: "invalid_request",
      message: "body.answers.hours: number question: expected at most 40",
      details: [{ path: "body.answers.hours", message: "number question: expected at most 40" }],
    });
    const skipped = await h.call(
      "POST",
      `/v1/leases/${lease.leaseId}/outcome`,
      outcomeBody("bad-2", { answers: { support: "oppose", volunteer: true } }),
    );
    expect(skipped.status).toBe(400);
    expect(
      ((await skipped.json()) as { details: Array<{ path: string }> }).details.map((d) => d.path),
    ).toEqual(["body.answers.volunteer"]);
    // Nothing was accepted: the lead goes back for the run below.
    expect((await h.call("POST", `/v1/leases/${lease.leaseId}/release`)).status).toBe(204);
    const openapi = (await (await h.call("GET", "/openapi.json")).json()) as {
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    expect(openapi.components.schemas.Lease?.properties).toHaveProperty("script");
    expect(openapi.components.schemas.AnswerDistribution).toBeDefined();
  });

  it("1,000 outcomes with answers, 20% of CRM responses lost: each lead's fields and one Task with the survey, counted once", async () => {
    // A fifth of the Task creates and record updates apply in the CRM but their responses are lost.
    h.sandbox.salesforce.injectFault({
      kind: "lost-response",
      count: 10_000,
      match: { kind: "composite", probability: 0.2 },
    });
    let next = 0;
    await Promise.all(
      Array.from({ length: 20 }, async (_v, client) => {
        for (;;) {
          const leased = await h.call("POST", "/v1/campaigns/q4/leases");
          if (leased.status === 204) return;
          const lease = (await leased.json()) as LeaseBody;
          const pattern = next++ % patterns.length;
          const outcomeId = `survey-${client}-${next}`;
          const answers = (patterns[pattern] as (typeof patterns)[number]).answers;
          const response = await h.call(
            "POST",
            `/v1/leases/${lease.leaseId}/outcome`,
            outcomeBody(outcomeId, { answers }),
          );
          expect(response.status).toBe(202);
          sent.set(lease.lead.crmId, pattern);
          posted.push({ leaseId: lease.leaseId, outcomeId, pattern });
        }
      }),
    );
    expect(posted).toHaveLength(1_000);
    const tasks = () => h.sandbox.salesforce.all("Task");
    const drained = async () =>
      Object.values(
        await h.service.intake.queue("sf").getJobCounts("waiting", "active", "delayed", "prioritized"),
      ).every((n) => n === 0);
    await eventually(async () => tasks().length === 1_000 && (await drained()), 90_000, "1,000 Tasks");

    // Replays of every outcome: duplicates, no second Task, no second count.
    for (const { leaseId, outcomeId, pattern } of posted.slice(0, 200)) {
      const again = await h.call(
        "POST",
        `/v1/leases/${leaseId}/outcome`,
        outcomeBody(outcomeId, { answers: (patterns[pattern] as (typeof patterns)[number]).answers }),
      );
      expect(again.status).toBe(202);
      expect(await again.json()).toMatchObject({ duplicate: true });
    }
    await eventually(drained, 30_000, "drain");

    const all = tasks();
    expect(all).toHaveLength(1_000);
    expect(new Set(all.map((t) => t.CallObject)).size).toBe(1_000);
    for (const task of all) {
      const pattern = sent.get(String(task.WhoId));
      expect(pattern).toBeDefined();
      expect(task.Description).toBe(
        `Interested in a demo next week\n\n${(patterns[pattern as number] as (typeof patterns)[number]).summary}`,
      );
    }
    for (const [leadId, pattern] of sent) {
      const lead = h.sandbox.salesforce.get("Lead", leadId);
      expect(lead).toMatchObject((patterns[pattern] as (typeof patterns)[number]).fields);
      // Questions not on the pattern's path leave their fields untouched.
      if (!("hours" in (patterns[pattern] as (typeof patterns)[number]).answers))
        expect(lead?.Volunteer_Hours__c ?? null).toBeNull();
    }

    // Hand count: 1,000 = 7 × 142 + 6, so patterns 0–5 were sent 143 times and pattern 6 142 times.
    const response = await h.call("GET", "/v1/campaigns/q4/answers");
    expect(response.status).toBe(200);
    const distribution = (await response.json()) as {
      outcomes: number;
      questions: Array<{ id: string; answered: number; counts?: unknown; numbers?: unknown }>;
    };
    expect(distribution.outcomes).toBe(1_000);
    const q = Object.fromEntries(distribution.questions.map((x) => [x.id, x]));
    expect(q.support).toMatchObject({
      answered: 1_000,
      counts: { strong: 3 * 143, lean: 143 + 142, undecided: 143, oppose: 143 },
    });
    expect(q.volunteer).toMatchObject({
      answered: 3 * 143 + 142 + 143,
      counts: { yes: 3 * 143 + 142, no: 143 },
    });
    // Hours: 4, 12, 25 × 143 and 10 × 142 → sum 41 × 143 + 1,420 = 7,283 over 571 answers.
    expect(q.hours).toMatchObject({
      answered: 571,
      numbers: {
        min: 4,
        max: 25,
        histogram: [
          { to: 5, count: 143 },
          { from: 5, to: 10, count: 0 },
          { from: 10, to: 20, count: 143 + 142 },
          { from: 20, count: 143 },
        ],
      },
    });
    expect((q.hours?.numbers as { mean: number } | undefined)?.mean).toBeCloseTo(7_283 / 571, 10);
    expect(q.issue).toEqual({
      id: "issue",
      text: "Which issue matters most to you?",
      type: "text",
      answered: 143,
    });
    expect(q.visit_date?.answered).toBe(143);
  }, 240_000);
});
