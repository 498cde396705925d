import type { z } from "zod";
import { selectProblems } from "../select-problems.js";
import type { SelectProblem, VendorModule } from "../types.js";
import { type HubspotIntegration, hubspotSelectSchema } from "./config.js";
import { createHubspotConnector } from "./connector.js";
import { filterShapeProblems } from "./filter-shape.js";
import { filterBudgetProblems } from "./search-query.js";

/** Every problem a pull would meet later: shape, operator/value fit, HubSpot's limits with telesync's filters. */
function checkSelect(select: unknown, errorMap?: z.core.$ZodErrorMap): SelectProblem[] {
  const parsed = hubspotSelectSchema.safeParse(select, errorMap ? { error: errorMap } : undefined);
  if (!parsed.success)
    return selectProblems(
      parsed.error,
      "a hubspot source: { listId }, { search: { filterGroups } } or { allContacts: true }",
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
  sourceObjectTypes: () => ["contacts"],
  // Properties are read by name from the response; HubSpot leaves an unknown one out (check --live finds it).
  fieldNameProblem: () => undefined,
  activitySettings: (config) => ({
    subjectTemplate: config.writeback.title,
    dispositionValueIsText: false,
    agentOwners: config.writeback.agentOwners,
  }),
  createConnector: (config, context) => createHubspotConnector(config, context),
};
