import type { AnswerFieldConfig } from "../config/schema.js";
import { branchKey } from "../config/script-branching.js";
import type { Answers, AnswerValue, Question, Script } from "../config/script-schema.js";
import { applyTransform, type Scalar } from "../mapping/transforms.js";

/** An answer as text: options and text as given, yes-no as yes / no, numbers as written. */
export function answerText(question: Pick<Question, "type"> | undefined, value: AnswerValue): string {
  return (
    (question && branchKey(question, value)) ??
    (typeof value === "boolean" ? (value ? "yes" : "no") : String(value))
  );
}

/**
 * The CRM field updates an outcome's answers make, per the integration's `answerFields`: `values`
 * first (keyed by the answer's text), else the answer through `transform`. An answer a transform
 * refuses is left out (it is still in the activity's notes). Pure.
 */
export function answerFieldUpdates(
  answers: Readonly<Answers>,
  fields: Readonly<Record<string, AnswerFieldConfig>>,
  script: Script | undefined,
  defaultCountry = "US",
): Record<string, Scalar> {
  const updates: Record<string, Scalar> = {};
  for (const [id, value] of Object.entries(answers)) {
    const rule = Object.hasOwn(fields, id) ? fields[id] : undefined;
    if (!rule) continue;
    const text = answerText(
      script?.questions.find((q) => q.id === id),
      value,
    );
    if (rule.values && Object.hasOwn(rule.values, text)) {
      updates[rule.field] = rule.values[text] as Scalar;
      continue;
    }
    let current: Scalar = value;
    let ok = true;
    for (const transform of rule.transform) {
      const result = applyTransform(transform, current, defaultCountry);
      if (!result.ok) {
        ok = false;
        break;
      }
      current = result.value;
    }
    if (ok) updates[rule.field] = current;
  }
  return updates;
}

/** The survey lines of an activity's notes, in script order: "Survey:" then "question → answer". Pure. */
export function surveySummary(answers: Readonly<Answers>, script: Script | undefined): string | undefined {
  const ids = Object.keys(answers);
  if (ids.length === 0) return undefined;
  const questions = script?.questions ?? [];
  const ordered = [
    ...questions.filter((q) => Object.hasOwn(answers, q.id)),
    // Answers to questions a later config dropped: still summarised, by id.
    ...ids
      .filter((id) => !questions.some((q) => q.id === id))
      .map((id) => ({ id, text: id, type: "text" as const })),
  ];
  const lines = ordered.map((q) => `${q.text} → ${answerText(q, answers[q.id] as AnswerValue)}`);
  return ["Survey:", ...lines].join("\n");
}
