import type { SalesforceSession } from "./auth.js";
import type { SalesforceIntegration } from "./config.js";
import { type DescribeResult, describeObject } from "./describe.js";
import { parseSalesforceSelect } from "./validate-select.js";

type Field = DescribeResult["fields"][number];

function fieldOf(result: DescribeResult, name: string): Field | undefined {
  return result.fields.find((field) => field.name.toLowerCase() === name.toLowerCase());
}

/**
 * `telesync check --live` for one source: the object exists, the mapped phone fields are phone
 * fields, activities may be logged on its records (Task.WhatId lists the objects that allow
 * activities; person accounts need IsPersonAccount), and its do-not-call field is a checkbox.
 * Field reference: https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_task.htm
 */
export async function checkSource(
  session: SalesforceSession,
  config: Pick<SalesforceIntegration, "objects">,
  rawSelect: unknown,
  phoneFields: readonly string[],
): Promise<string[]> {
  const select = parseSalesforceSelect(rawSelect);
  if (!("object" in select)) return [];
  const { object } = select;
  const problems: string[] = [];
  let result: DescribeResult;
  try {
    result = await describeObject(session, object);
  } catch (error) {
    return [
      `${object}: not readable (${error instanceof Error ? error.message : String(error)}); does the object exist, and may the integration user read it?`,
    ];
  }
  for (const name of phoneFields.filter((n) => !n.includes("."))) {
    const field = fieldOf(result, name);
    if (!field) problems.push(`${object}.${name}: no such field (the mapping reads it as the phone number)`);
    else if (field.type !== "phone")
      problems.push(
        `${object}.${name} is a ${field.type} field, not a phone field: map a phone field to phone`,
      );
  }
  const person = object === "Account" && select.accounts === "person";
  if (person && !fieldOf(result, "IsPersonAccount"))
    problems.push(
      "Account has no IsPersonAccount: enable Person Accounts in the org, or select accounts: business",
    );
  if (object !== "Lead" && object !== "Contact" && !person) {
    const task = await describeObject(session, "Task");
    const whatTargets = ((fieldOf(task, "WhatId") as Field & { referenceTo?: unknown })?.referenceTo ??
      []) as unknown[];
    if (!whatTargets.includes(object))
      problems.push(
        `${object} does not allow activities (Task.WhatId cannot name it): tick "Allow Activities" on the object`,
      );
  }
  const dncName = person ? "PersonDoNotCall" : config.objects[object]?.doNotCallField;
  if (dncName) {
    const dnc = fieldOf(result, dncName);
    if (!dnc) problems.push(`${object}.${dncName}: no such field (the do-not-call field)`);
    else if (dnc.type !== "boolean")
      problems.push(`${object}.${dncName} is a ${dnc.type} field; the do-not-call field must be a checkbox`);
    else if (!dnc.updateable)
      problems.push(
        `${object}.${dncName} is read-only for the integration user: opt-outs could not be written`,
      );
  }
  return problems;
}
