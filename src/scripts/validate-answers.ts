import { pathTaken } from "../config/script-branching.js";
import type { Question, Script } from "../config/script-schema.js";

export interface AnswerProblem {
  questionId: string;
  message: string;
}

/** A calendar date written YYYY-MM-DD (no time: survey dates are days). */
function isCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Why a value is not an answer to this question, if it is not. */
function valueProblem(question: Question, value: unknown): string | undefined {
  switch (question.type) {
    case "choice":
      return typeof value === "string" && question.options?.includes(value)
        ? undefined
        : `expected one of ${(question.options ?? []).map((o) => JSON.stringify(o)).join(", ")}`;
    case "yes-no":
      return typeof value === "boolean" ? undefined : "expected true (yes) or false (no)";
    case "number":
      if (typeof value !== "number" || !Number.isFinite(value)) return "expected a number";
      if (question.min !== undefined && value < question.min) return `expected at least ${question.min}`;
      if (question.max !== undefined && value > question.max) return `expected at most ${question.max}`;
      return undefined;
    case "text":
      return typeof value === "string" && value.trim() !== "" ? undefined : "expected non-empty text";
    case "date":
      return typeof value === "string" && isCalendarDate(value)
        ? undefined
        : "expected a date written YYYY-MM-DD";
  }
}

/**
 * Problems of an outcome's answers against the campaign's script: ids that are no question, values
 * of the wrong type or outside the options / bounds, answers to questions the branching skipped,
 * and required questions left unanswered on the path the answers take. Pure; empty when valid.
 */
export function validateAnswers(script: Script, answers: Readonly<Record<string, unknown>>): AnswerProblem[] {
  const problems: AnswerProblem[] = [];
  const byId = new Map(script.questions.map((q) => [q.id, q]));
  const valid: Record<string, string | number | boolean> = {};
  for (const [id, value] of Object.entries(answers)) {
    const question = byId.get(id);
    if (!question) {
      problems.push({ questionId: id, message: `no question "${id}" in the campaign's script` });
      continue;
    }
    const problem = valueProblem(question, value);
    if (problem) problems.push({ questionId: id, message: `${question.type} question: ${problem}` });
    else valid[id] = value as string | number | boolean;
  }
  // Branch only on answers that are valid: an invalid one is reported above, not followed.
  const path = pathTaken(script.questions, valid);
  const onPath = new Set(path.map((q) => q.id));
  const route = [...path.map((q) => q.id), "end"].join(" → ");
  for (const id of Object.keys(valid)) {
    if (!onPath.has(id))
      problems.push({ questionId: id, message: `not asked: these answers take the path ${route}` });
  }
  for (const question of path) {
    if (question.required && !Object.hasOwn(answers, question.id))
      problems.push({ questionId: question.id, message: `required on the path ${route}` });
  }
  return problems;
}
