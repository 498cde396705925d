import type { z } from "zod";
import { selectProblems } from "../select-problems.js";
import type { SelectProblem, VendorModule } from "../types.js";
import { type SalesforceIntegration, salesforceSelectSchema } from "./config.js";
import { createSalesforceConnector } from "./connector.js";
import { fieldNamePattern } from "./soql.js";
import { whereProblem } from "./validate-select.js";
import { whereSyntaxProblem } from "./where-syntax.js";

/** Every problem a pull would refuse later: shape, an unbalanced or unparseable `where`, no statuses. */
function checkSelect(select: unknown, errorMap?: z.core.$ZodErrorMap): SelectProblem[] {
  const parsed = salesforceSelectSchema.safeParse(select, errorMap ? { error: errorMap } : undefined);
  if (!parsed.success)
    return selectProblems(
      parsed.error,
      "a salesforce source: { object: Lead|Contact|Account|<Custom>__c, where?, accounts?: business|person } or { campaignId, memberStatuses? }",
    );
  const problems: SelectProblem[] = [];
  if ("object" in parsed.data && parsed.data.where !== undefined) {
    const problem =
      whereProblem(parsed.data.where) ?? whereSyntaxProblem(parsed.data.object, parsed.data.where);
    if (problem) problems.push({ path: ["where"], message: `where ${problem}` });
  }
  if ("campaignId" in parsed.data && parsed.data.memberStatuses?.length === 0) {
    problems.push({
      path: ["memberStatuses"],
      message: "memberStatuses is empty, so no member would be pulled (leave it out for every status)",
    });
  }
  return problems;
}

export const salesforceVendor: VendorModule<SalesforceIntegration> = {
  vendor: "salesforce",
  checkSelect,
  fieldNameProblem: (name) =>
    fieldNamePattern.test(name)
      ? undefined
      : "a Salesforce field name looks like Name, Custom__c or one relationship hop (Account.Name)",
  // A Contact needs an Account: an unknown caller becomes a Lead.
  leadObjectTypes: ["Lead"],
  sourceObjectTypes: (select) => (typeof select.object === "string" ? [select.object] : ["Lead", "Contact"]),
  sourceWarnings: (config, select) => {
    const parsed = salesforceSelectSchema.safeParse(select);
    if (!parsed.success || !("object" in parsed.data)) return [];
    const { object, accounts } = parsed.data;
    if (object === "Lead" || object === "Contact" || (object === "Account" && accounts === "person"))
      return [];
    if (config.objects[object]?.doNotCallField) return [];
    return [
      `${object} records have no do-not-call field telesync knows: opt-outs stay in telesync's suppression list and are not written to Salesforce (set objects.${object}.doNotCallField to a checkbox field to write them)`,
    ];
  },
  // followUps (write-activities.ts) writes an Account's or custom object's updates only where it has the field.
  updatesOnlyExistingFields: (select) =>
    typeof select.object === "string" && select.object !== "Lead" && select.object !== "Contact",
  activitySettings: (config) => ({
    subjectTemplate: config.writeback.subject,
    dispositionValueIsText: true,
    agentOwners: config.writeback.agentUsers,
  }),
  createConnector: createSalesforceConnector,
};
