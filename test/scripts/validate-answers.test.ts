import { describe, expect, it } from "vitest";
import { nextQuestionId, pathTaken } from "../../src/config/script-branching.js";
import { validateAnswers } from "../../src/scripts/validate-answers.js";
import { outreachScript } from "./fixtures.js";

const questions = outreachScript.questions;
const ids = (answers: Record<string, string | number | boolean>) =>
  pathTaken(questions, answers).map((q) => q.id);

describe("branching", () => {
  it("follows when, then default, then the following question, to the end", () => {
    // Indexes: support 0, volunteer 1, hours 2, issue 3, visit_date 4.
    expect(nextQuestionId(questions, 0, "oppose")).toBe("end");
    expect(nextQuestionId(questions, 0, "undecided")).toBe("issue");
    expect(nextQuestionId(questions, 0, "strong")).toBe("volunteer");
    expect(nextQuestionId(questions, 0, undefined)).toBe("volunteer");
    expect(nextQuestionId(questions, 1, false)).toBe("end");
    expect(nextQuestionId(questions, 1, true)).toBe("hours");
    expect(nextQuestionId(questions, 2, 7)).toBe("end");
    expect(nextQuestionId(questions, 3, "schools")).toBe("visit_date");
    expect(nextQuestionId(questions, 4, "2026-12-01")).toBe("end");
  });

  it("walks the path the answers take", () => {
    expect(ids({ support: "strong", volunteer: true, hours: 3 })).toEqual(["support", "volunteer", "hours"]);
    expect(ids({ support: "lean", volunteer: false })).toEqual(["support", "volunteer"]);
    expect(ids({ support: "oppose" })).toEqual(["support"]);
    expect(ids({ support: "undecided" })).toEqual(["support", "issue", "visit_date"]);
    expect(ids({})).toEqual(["support", "volunteer", "hours"]);
  });
});

describe("validateAnswers", () => {
  it("accepts complete answers on every branch", () => {
    expect(validateAnswers(outreachScript, { support: "strong", volunteer: true, hours: 12 })).toEqual([]);
    expect(validateAnswers(outreachScript, { support: "lean", volunteer: false })).toEqual([]);
    expect(validateAnswers(outreachScript, { support: "oppose" })).toEqual([]);
    // issue and visit_date are optional.
    expect(validateAnswers(outreachScript, { support: "undecided" })).toEqual([]);
    expect(
      validateAnswers(outreachScript, { support: "undecided", issue: "schools", visit_date: "2028-02-29" }),
    ).toEqual([]);
  });

  it("names required questions left unanswered on the path taken", () => {
    expect(validateAnswers(outreachScript, {})).toEqual([
      { questionId: "support", message: "required on the path support → volunteer → hours → end" },
      { questionId: "volunteer", message: "required on the path support → volunteer → hours → end" },
      { questionId: "hours", message: "required on the path support → volunteer → hours → end" },
    ]);
    expect(validateAnswers(outreachScript, { support: "strong", volunteer: true })).toEqual([
      { questionId: "hours", message: "required on the path support → volunteer → hours → end" },
    ]);
  });

  it("refuses answers to questions the branching skipped, and unknown ids", () => {
    expect(validateAnswers(outreachScript, { support: "oppose", volunteer: true })).toEqual([
      { questionId: "volunteer", message: "not asked: these answers take the path support → end" },
    ]);
    expect(validateAnswers(outreachScript, { support: "oppose", colour: "blue" })).toEqual([
      { questionId: "colour", message: 'no question "colour" in the campaign\'s script' },
    ]);
  });

  it("checks each type: options, booleans, bounds, text, calendar dates", () => {
    const one = (answers: Record<string, unknown>) => validateAnswers(outreachScript, answers)[0];
    expect(one({ support: "maybe", volunteer: true, hours: 1 })).toEqual({
      questionId: "support",
      message: 'choice question: expected one of "strong", "lean", "undecided", "oppose"',
    });
    expect(validateAnswers(outreachScript, { support: "strong", volunteer: "yes", hours: 5 })).toEqual([
      { questionId: "volunteer", message: "yes-no question: expected true (yes) or false (no)" },
    ]);
    expect(one({ support: "strong", volunteer: true, hours: 41 })).toEqual({
      questionId: "hours",
      message: "number question: expected at most 40",
    });
    expect(one({ support: "strong", volunteer: true, hours: -1 })).toEqual({
      questionId: "hours",
      message: "number question: expected at least 0",
    });
    expect(one({ support: "strong", volunteer: true, hours: "12" })).toEqual({
      questionId: "hours",
      message: "number question: expected a number",
    });
    expect(one({ support: "undecided", issue: "  " })).toEqual({
      questionId: "issue",
      message: "text question: expected non-empty text",
    });
    // 2026 is not a leap year; 2026-13-01 has no month 13.
    for (const date of ["2026-02-29", "2026-13-01", "12/01/2026", "2026-12-01T10:00:00Z"]) {
      expect(one({ support: "undecided", visit_date: date })).toEqual({
        questionId: "visit_date",
        message: "date question: expected a date written YYYY-MM-DD",
      });
    }
  });
});
