import type { z } from "zod";
import { selectProblems } from "../select-problems.js";
import type { SelectProblem, VendorModule } from "../types.js";
import { type HubspotIntegration, hubspotSelectSchema, selectObject } from "./config.js";
import { createHubspotConnector } from "./connector.js";
import { filterShapeProblems } from "./filter-shape.js";
import { filterBudgetProblems } from "./search-query.js";

/** Every problem a pull would meet later: shape, operator/value fit, HubSpot's limits with telesync's filters. */
function checkSelect(select: unknown, errorMap?: z.core.$ZodErrorMap): SelectProblem[] {
  const parsed = hubspotSelectSchema.safeParse(select, errorMap ? { error: errorMap } : undefined);
  if (!parsed.success)
    return selectProblems(
      parsed.error,
      "a hubspot source: { listId, object? }, { search: { filterGroups }, object? }, { allContacts: true } or { object, allRecords: true } (object: contacts, companies, 2-<id> or p<portal>_<name>)",
    );
  if (!("search" in parsed.data)) return [];
  const groups = parsed.data.search.filterGroups;
  return [
    ...filterShapeProblems(groups),
    ...filterBudgetProblems(groups).map((message) => ({ path: ["search"], message })),
  ];
}

export const hubspotVendor: VendorModule<HubspotIntegration> = {
  vendor: "hubspot",
  checkSelect,
  leadObjectTypes: ["contacts"],
  sourceObjectTypes: (select) => {
    const parsed = hubspotSelectSchema.safeParse(select);
    return [parsed.success ? selectObject(parsed.data) : "contacts"];
  },
  sourceWarnings: (config, select) => {
    const parsed = hubspotSelectSchema.safeParse(select);
    if (!parsed.success) return [];
    const object = selectObject(parsed.data);
    if (object === "contacts" || config.objects[object]?.doNotCall) return [];
    return [
      `${object} records have no do-not-call property telesync knows: opt-outs stay in telesync's suppression list and are not written to HubSpot (set objects.${object}.doNotCall.property to a checkbox property to write them)`,
    ];
  },
  // write.ts writes a company's or custom object's lead updates only where it has the property.
  updatesOnlyExistingFields: (select) => {
    const parsed = hubspotSelectSchema.safeParse(select);
    return parsed.success && selectObject(parsed.data) !== "contacts";
  },
  // Properties are read by name from the response; HubSpot leaves an unknown one out (check --live finds it).
  fieldNameProblem: () => undefined,
  activitySettings: (config) => ({
    subjectTemplate: config.writeback.title,
    dispositionValueIsText: false,
    agentOwners: config.writeback.agentOwners,
  }),
  createConnector: (config, context) => createHubspotConnector(config, context),
};
