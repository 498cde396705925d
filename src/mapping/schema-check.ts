import type { FieldDescription } from "../../connectors/types.js";
import type { AnswerFieldConfig, FieldMapping } from "../config/schema.js";

export interface SchemaProblem {
  where: string;
  message: string;
  /** `warn`: nothing fails, but something the config asks for will not happen. Absent: an error. */
  severity?: "warn";
}

const numericTypes = new Set(["int", "double", "currency", "percent", "number"]);

/**
 * Check a field mapping, and the lead updates of a disposition mapping, against an object's live
 * schema: fields exist, types fit (a phone transform on a number field is suspicious), picklist
 * values are allowed. Pure: the caller fetched the description.
 */
export function checkAgainstSchema(input: {
  objectType: string;
  fields: FieldDescription[];
  mapping?: FieldMapping;
  leadUpdates?: Record<string, Record<string, string | number | boolean | null>>;
  /** Script answers → fields (`answerFields`): the field exists, is updateable, mapped values are allowed. */
  answerFields?: Record<string, AnswerFieldConfig>;
  /**
   * The object takes only the updates it has a field for (the writer skips the others): a missing
   * field is a warning that says so, not an error.
   */
  updatesOnlyExistingFields?: boolean;
}): SchemaProblem[] {
  const byName = new Map(input.fields.map((f) => [f.name.toLowerCase(), f]));
  const problems: SchemaProblem[] = [];
  const find = (name: string) => byName.get(name.toLowerCase());
  const missing = (where: string, name: string): SchemaProblem =>
    input.updatesOnlyExistingFields
      ? {
          where,
          message: `${input.objectType} has no field "${name}": not written to ${input.objectType} records (records of this object take only the updates they have a field for)`,
          severity: "warn",
        }
      : { where, message: `${input.objectType} has no field "${name}"` };
  for (const rule of input.mapping?.fields ?? []) {
    for (const name of [...(rule.from ? [rule.from] : []), ...(rule.concat ?? [])]) {
      // Relationship paths (Account.Name) are checked by the CRM at query time.
      if (name.includes(".")) continue;
      const field = find(name);
      if (!field) {
        problems.push({
          where: `${rule.to} ← ${name}`,
          message: `${input.objectType} has no field "${name}"`,
        });
      } else if (rule.transform.includes("phone") && numericTypes.has(field.type)) {
        problems.push({
          where: `${rule.to} ← ${name}`,
          message: `${name} is a ${field.type} field; phone numbers stored as numbers lose leading zeros and "+"`,
        });
      }
    }
  }
  for (const [disposition, updates] of Object.entries(input.leadUpdates ?? {})) {
    for (const [name, value] of Object.entries(updates)) {
      const field = find(name);
      const where = `dispositions.${disposition}.leadUpdates.${name}`;
      if (!field) {
        problems.push(missing(where, name));
        continue;
      }
      if (!field.updateable) problems.push({ where, message: `${name} is not updateable` });
      if (
        field.picklistValues &&
        field.picklistValues.length > 0 &&
        !field.picklistValues.includes(String(value))
      ) {
        problems.push({
          where,
          message: `"${value}" is not a value of ${name}; expected one of ${field.picklistValues.map((v) => `"${v}"`).join(", ")}`,
        });
      }
    }
  }
  for (const [questionId, rule] of Object.entries(input.answerFields ?? {})) {
    const where = `answerFields.${questionId}.field`;
    const field = find(rule.field);
    if (!field) {
      problems.push(missing(where, rule.field));
      continue;
    }
    if (!field.updateable) problems.push({ where, message: `${rule.field} is not updateable` });
    const allowed = field.picklistValues ?? [];
    for (const [answer, value] of Object.entries(rule.values ?? {})) {
      if (allowed.length > 0 && value !== null && !allowed.includes(String(value))) {
        problems.push({
          where: `answerFields.${questionId}.values.${answer}`,
          message: `"${value}" is not a value of ${rule.field}; expected one of ${allowed.map((v) => `"${v}"`).join(", ")}`,
        });
      }
    }
  }
  return problems;
}
