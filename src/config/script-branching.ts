import type { Answers, AnswerValue, Question, ScriptProblem } from "./script-schema.js";

/** Where a branch ends the script. Reserved: no question may be called `end`. */
export const endOfScript = "end";

/** The answer's branching key: a choice's option, `yes` / `no`; other types do not branch by value. */
export function branchKey(
  question: Pick<Question, "type">,
  value: AnswerValue | undefined,
): string | undefined {
  if (value === undefined) return undefined;
  if (question.type === "choice" && typeof value === "string") return value;
  if (question.type === "yes-no" && typeof value === "boolean") return value ? "yes" : "no";
  return undefined;
}

/**
 * The id of the question after `questions[index]` given its answer (undefined: unanswered), or
 * `end`. A `when` entry for the answer wins, then `default`, then the following question. Pure.
 */
export function nextQuestionId(
  questions: readonly Question[],
  index: number,
  value: AnswerValue | undefined,
): string {
  const question = questions[index];
  const following = questions[index + 1]?.id ?? endOfScript;
  if (!question || question.next === undefined) return following;
  if (typeof question.next === "string") return question.next;
  const key = branchKey(question, value);
  return (key !== undefined ? question.next.when[key] : undefined) ?? question.next.default ?? following;
}

/**
 * The questions asked, in order, when the script is walked with these answers: from the first
 * question, each answer choosing the next, until `end`. Stops at a question seen before or an
 * unknown id (a script that passed `scriptProblems` has neither). Pure.
 */
export function pathTaken(questions: readonly Question[], answers: Readonly<Answers>): Question[] {
  const indexOf = new Map(questions.map((q, i) => [q.id, i]));
  const path: Question[] = [];
  let index: number | undefined = questions.length > 0 ? 0 : undefined;
  const seen = new Set<number>();
  while (index !== undefined && !seen.has(index)) {
    seen.add(index);
    const question = questions[index] as Question;
    path.push(question);
    const answer = Object.hasOwn(answers, question.id) ? answers[question.id] : undefined;
    const next = nextQuestionId(questions, index, answer);
    index = next === endOfScript ? undefined : indexOf.get(next);
  }
  return path;
}

/** Every question a question may lead to (all `when` targets, `default`, else the following one). */
function successors(questions: readonly Question[], index: number): string[] {
  const question = questions[index] as Question;
  const following = questions[index + 1]?.id ?? endOfScript;
  if (question.next === undefined) return [following];
  if (typeof question.next === "string") return [question.next];
  return [...Object.values(question.next.when), question.next.default ?? following];
}

/**
 * Load-time problems of the branching: `next` targets that name no question, `when` keys that are
 * no answer of the question, and loops (a path must always reach the end). Pure.
 */
export function branchingProblems(questions: readonly Question[]): ScriptProblem[] {
  const problems: ScriptProblem[] = [];
  const ids = questions.map((q) => q.id);
  const known = new Set(ids);
  const expected = `expected ${[...ids, endOfScript].map((n) => `"${n}"`).join(", ")}`;
  const checkTarget = (target: string, path: ScriptProblem["path"]) => {
    if (target !== endOfScript && !known.has(target))
      problems.push({ path, message: `found "${target}", which is no question of this script; ${expected}` });
  };
  questions.forEach((q, i) => {
    if (q.next === undefined) return;
    if (typeof q.next === "string") {
      checkTarget(q.next, [i, "next"]);
      return;
    }
    if (q.next.default !== undefined) checkTarget(q.next.default, [i, "next", "default"]);
    const answers = q.type === "choice" ? (q.options ?? []) : q.type === "yes-no" ? ["yes", "no"] : [];
    for (const [answer, target] of Object.entries(q.next.when)) {
      if (!answers.includes(answer)) {
        problems.push({
          path: [i, "next", "when", answer],
          message:
            answers.length === 0
              ? `found a branch by answer on a ${q.type} question (choice and yes-no only; use default)`
              : `found "${answer}", which is no answer of "${q.id}"; expected ${answers.map((a) => `"${a}"`).join(", ")}`,
        });
      }
      checkTarget(target, [i, "next", "when", answer]);
    }
  });
  const loop = findLoop(questions);
  if (loop) {
    problems.push({
      path: [loop.index, "next"],
      message: `found a loop ${loop.ids.join(" → ")}: every path must reach the end`,
    });
  }
  return problems;
}

/** A cycle of the question graph, if any: the question that closes it and the ids around it. */
function findLoop(questions: readonly Question[]): { index: number; ids: string[] } | undefined {
  const indexOf = new Map(questions.map((q, i) => [q.id, i]));
  const state = new Map<number, "open" | "done">();
  const stack: number[] = [];
  const visit = (index: number): { index: number; ids: string[] } | undefined => {
    state.set(index, "open");
    stack.push(index);
    for (const target of successors(questions, index)) {
      const next = indexOf.get(target);
      if (next === undefined) continue;
      if (state.get(next) === "open") {
        const cycle = stack.slice(stack.indexOf(next));
        return { index, ids: [...cycle, next].map((i) => questions[i]?.id ?? "?") };
      }
      if (!state.has(next)) {
        const found = visit(next);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(index, "done");
    return undefined;
  };
  for (let i = 0; i < questions.length; i++) {
    if (state.has(i)) continue;
    const found = visit(i);
    if (found) return found;
  }
  return undefined;
}
