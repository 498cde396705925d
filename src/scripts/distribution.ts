import type { Answers, Question, Script } from "../config/script-schema.js";
import { answerText } from "./answer-fields.js";

/** Hash fields of a campaign's answer counters: outcomes with answers, per question answered and per value. */
export const answerCounterFields = {
  outcomes: "outcomes",
  answered: (questionId: string) => `${questionId}:answered`,
  value: (questionId: string, text: string) => `${questionId}=${text}`,
};

/** Which counters one accepted outcome's answers increment (each by 1). Text and dates: answered only. Pure. */
export function answerCounterIncrements(script: Script, answers: Readonly<Answers>): string[] {
  const fields = [answerCounterFields.outcomes];
  for (const question of script.questions) {
    if (!Object.hasOwn(answers, question.id)) continue;
    const value = answers[question.id];
    if (value === undefined) continue;
    fields.push(answerCounterFields.answered(question.id));
    if (question.type === "choice" || question.type === "yes-no" || question.type === "number")
      fields.push(answerCounterFields.value(question.id, answerText(question, value)));
  }
  return fields;
}

export interface HistogramBucket {
  /** Inclusive lower bound; absent: unbounded. */
  from?: number;
  /** Exclusive upper bound; absent: unbounded. */
  to?: number;
  count: number;
}

export interface QuestionDistribution {
  id: string;
  text: string;
  type: Question["type"];
  answered: number;
  /** choice: every option; yes-no: yes and no. */
  counts?: Record<string, number>;
  /** number questions with at least one answer. */
  numbers?: { min: number; max: number; mean: number; histogram: HistogramBucket[] };
}

export interface AnswerDistribution {
  /** Accepted outcomes that carried answers. */
  outcomes: number;
  questions: QuestionDistribution[];
}

function histogram(question: Question, values: Array<[number, number]>): HistogramBucket[] {
  const bounds = question.buckets;
  if (bounds) {
    const buckets: HistogramBucket[] = [
      { to: bounds[0] as number, count: 0 },
      ...bounds.map((from, i) => ({
        from,
        ...(i + 1 < bounds.length ? { to: bounds[i + 1] as number } : {}),
        count: 0,
      })),
    ];
    for (const [value, count] of values) {
      const index = bounds.filter((b) => value >= b).length;
      (buckets[index] as HistogramBucket).count += count;
    }
    return buckets;
  }
  // Default: whole-number buckets, one per value seen (survey scales are whole numbers).
  const byFloor = new Map<number, number>();
  for (const [value, count] of values)
    byFloor.set(Math.floor(value), (byFloor.get(Math.floor(value)) ?? 0) + count);
  return [...byFloor.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([from, count]) => ({ from, to: from + 1, count }));
}

/** A campaign's counters hash → the distribution per question, in script order. Pure. */
export function answerDistribution(
  script: Script,
  counters: Readonly<Record<string, string>>,
): AnswerDistribution {
  const count = (field: string) => Number(counters[field] ?? 0);
  const questions = script.questions.map((question): QuestionDistribution => {
    const base = {
      id: question.id,
      text: question.text,
      type: question.type,
      answered: count(answerCounterFields.answered(question.id)),
    };
    if (question.type === "choice" || question.type === "yes-no") {
      const keys = question.type === "choice" ? (question.options ?? []) : ["yes", "no"];
      return {
        ...base,
        counts: Object.fromEntries(keys.map((k) => [k, count(answerCounterFields.value(question.id, k))])),
      };
    }
    if (question.type !== "number") return base;
    const prefix = answerCounterFields.value(question.id, "");
    const values = Object.entries(counters)
      .filter(([field]) => field.startsWith(prefix))
      .map(([field, n]): [number, number] => [Number(field.slice(prefix.length)), Number(n)])
      .filter(([value, n]) => Number.isFinite(value) && n > 0);
    if (values.length === 0) return base;
    const total = values.reduce((sum, [, n]) => sum + n, 0);
    return {
      ...base,
      numbers: {
        min: Math.min(...values.map(([v]) => v)),
        max: Math.max(...values.map(([v]) => v)),
        mean: values.reduce((sum, [v, n]) => sum + v * n, 0) / total,
        histogram: histogram(question, values),
      },
    };
  });
  return { outcomes: count(answerCounterFields.outcomes), questions };
}
