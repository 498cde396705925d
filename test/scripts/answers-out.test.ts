import { describe, expect, it } from "vitest";
import { answerFieldSchema } from "../../src/config/schema.js";
import { answerFieldUpdates, surveySummary } from "../../src/scripts/answer-fields.js";
import { answerCounterIncrements, answerDistribution } from "../../src/scripts/distribution.js";
import { outreachScript } from "./fixtures.js";

const fields = {
  support: answerFieldSchema.parse({
    field: "Support__c",
    values: { strong: "Strong Support", oppose: "Opposed" },
  }),
  volunteer: answerFieldSchema.parse({ field: "Volunteer__c", values: { yes: "Yes", no: "No" } }),
  hours: answerFieldSchema.parse({ field: "Hours__c" }),
  issue: answerFieldSchema.parse({ field: "Issue__c", transform: ["trim", "title"] }),
};

describe("answers → CRM fields and notes", () => {
  it("maps values, passes others through their transforms, leaves unmapped questions out", () => {
    expect(
      answerFieldUpdates({ support: "strong", volunteer: true, hours: 12 }, fields, outreachScript),
    ).toEqual({ Support__c: "Strong Support", Volunteer__c: "Yes", Hours__c: 12 });
    // "lean" has no entry in values: written as given.
    expect(answerFieldUpdates({ support: "lean" }, fields, outreachScript)).toEqual({ Support__c: "lean" });
    expect(
      answerFieldUpdates(
        { support: "undecided", issue: "  public SCHOOLS ", visit_date: "2026-12-01" },
        fields,
        outreachScript,
      ),
    ).toEqual({ Support__c: "undecided", Issue__c: "Public Schools" });
  });

  it("summarises answers in script order for the activity's notes", () => {
    expect(surveySummary({ hours: 12, volunteer: true, support: "strong" }, outreachScript)).toBe(
      "Survey:\nWill you support Measure 4? → strong\nWould you volunteer? → yes\nHow many hours a week? → 12",
    );
    expect(surveySummary({}, outreachScript)).toBeUndefined();
  });
});

describe("answer distribution", () => {
  it("counts per option, yes/no, numbers with buckets; text only as answered", () => {
    const outcomes = [
      { support: "strong", volunteer: true, hours: 4 },
      { support: "strong", volunteer: true, hours: 12 },
      { support: "lean", volunteer: false },
      { support: "oppose" },
      { support: "undecided", issue: "roads", visit_date: "2026-12-01" },
      { support: "strong", volunteer: true, hours: 25 },
      { support: "lean", volunteer: true, hours: 10 },
    ];
    const counters: Record<string, string> = {};
    for (const answers of outcomes) {
      for (const field of answerCounterIncrements(outreachScript, answers))
        counters[field] = String(Number(counters[field] ?? 0) + 1);
    }
    const distribution = answerDistribution(outreachScript, counters);
    expect(distribution.outcomes).toBe(7);
    const byId = Object.fromEntries(distribution.questions.map((q) => [q.id, q]));
    expect(byId.support).toMatchObject({
      answered: 7,
      counts: { strong: 3, lean: 2, undecided: 1, oppose: 1 },
    });
    expect(byId.volunteer).toMatchObject({ answered: 5, counts: { yes: 4, no: 1 } });
    // Hours 4, 12, 25, 10: mean 51 / 4; buckets [5, 10, 20] → <5: 4; 5–10: none; 10–20: 12, 10; ≥20: 25.
    expect(byId.hours).toMatchObject({
      answered: 4,
      numbers: {
        min: 4,
        max: 25,
        mean: 12.75,
        histogram: [
          { to: 5, count: 1 },
          { from: 5, to: 10, count: 0 },
          { from: 10, to: 20, count: 2 },
          { from: 20, count: 1 },
        ],
      },
    });
    expect(byId.issue).toEqual({
      id: "issue",
      text: "Which issue matters most to you?",
      type: "text",
      answered: 1,
    });
    expect(byId.visit_date).toEqual({
      id: "visit_date",
      text: "When could we visit?",
      type: "date",
      answered: 1,
    });
  });
});
