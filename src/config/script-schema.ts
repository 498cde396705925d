import { z } from "zod";
import { branchingProblems, endOfScript } from "./script-branching.js";

export { endOfScript };

export const questionIdSchema = z
  .string()
  .regex(/^[a-zA-Z][a-zA-Z0-9_-]{0,63}$/, "expected letters, digits, - and _, starting with a letter");

export const questionTypeSchema = z.enum(["choice", "number", "text", "yes-no", "date"]);
export type QuestionType = z.infer<typeof questionTypeSchema>;

/** After a question: a question id or `end`, or per answer (`when`) with a `default`. */
const nextSchema = z.union([
  questionIdSchema,
  z.strictObject({
    /** Answer (a choice option, or yes / no) → the next question id or `end`. */
    when: z.record(z.string(), questionIdSchema).default({}),
    /** Any other answer, or none; without it the script goes on with the following question. */
    default: questionIdSchema.optional(),
  }),
]);

export const questionSchema = z.strictObject({
  id: questionIdSchema,
  /** What the agent reads; also the line of the survey summary in the CRM activity. */
  text: z.string().min(1).max(1_000),
  type: questionTypeSchema,
  /** The answers a `choice` question allows (choice only). */
  options: z.array(z.string().min(1).max(200)).min(2).optional(),
  /** On the path the answers take, this question must be answered. */
  required: z.boolean().default(false),
  /** Bounds of a `number` answer (number only). */
  min: z.number().optional(),
  max: z.number().optional(),
  /** Histogram bucket boundaries of a `number` question, ascending (number only; default: whole numbers). */
  buckets: z.array(z.number()).min(1).optional(),
  /** Where the script goes after this question; default: the following question, `end` after the last. */
  next: nextSchema.optional(),
});
export type Question = z.infer<typeof questionSchema>;

/**
 * A campaign's call script (`campaigns.<id>.script`): questions read in order, branching by answer.
 * Checked at load: duplicate ids, options and bounds on the wrong types, unknown `next` targets and
 * answers, and loops (every path must reach the end).
 */
export const scriptSchema = z
  .strictObject({ questions: z.array(questionSchema).min(1).max(200) })
  .superRefine((script, ctx) => {
    for (const problem of scriptProblems(script.questions)) {
      ctx.addIssue({ code: "custom", path: ["questions", ...problem.path], message: problem.message });
    }
  });
export type Script = z.infer<typeof scriptSchema>;

/** An answer as a dialer reports it: option text, number, free text, yes-no as a boolean, date as YYYY-MM-DD. */
export const answerValueSchema = z.union([z.string().max(2_000), z.number(), z.boolean()]);
export type AnswerValue = z.infer<typeof answerValueSchema>;
export type Answers = Record<string, AnswerValue>;

export interface ScriptProblem {
  /** Relative to `questions`. */
  path: (string | number)[];
  message: string;
}

/** Load-time problems of a script's questions (each message says what it found). Pure. */
export function scriptProblems(questions: readonly Question[]): ScriptProblem[] {
  const problems: ScriptProblem[] = [];
  const seen = new Set<string>();
  questions.forEach((q, i) => {
    if (q.id === endOfScript)
      problems.push({
        path: [i, "id"],
        message: `found "${endOfScript}": that name marks the end of the script`,
      });
    else if (seen.has(q.id))
      problems.push({ path: [i, "id"], message: `found a duplicate question id "${q.id}"` });
    seen.add(q.id);
    if (q.type === "choice" && !q.options)
      problems.push({
        path: [i, "type"],
        message: "found no options: a choice question lists its answers",
      });
    if (q.type !== "choice" && q.options)
      problems.push({ path: [i, "options"], message: `found options on a ${q.type} question (choice only)` });
    if (q.options && new Set(q.options).size !== q.options.length)
      problems.push({ path: [i, "options"], message: "found the same option twice" });
    for (const key of ["min", "max", "buckets"] as const) {
      if (q.type !== "number" && q[key] !== undefined)
        problems.push({ path: [i, key], message: `found ${key} on a ${q.type} question (number only)` });
    }
    if (q.min !== undefined && q.max !== undefined && q.min > q.max)
      problems.push({ path: [i, "max"], message: `found max ${q.max} below min ${q.min}` });
    if (q.buckets?.some((b, j) => j > 0 && b <= (q.buckets?.[j - 1] ?? b)))
      problems.push({ path: [i, "buckets"], message: "found boundaries out of order: list them ascending" });
  });
  problems.push(...branchingProblems(questions));
  return problems;
}
