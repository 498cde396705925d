import type { z } from "zod";
import { selectProblems } from "../select-problems.js";
import type { SelectProblem, VendorModule } from "../types.js";
import { type HubspotIntegration, hubspotSelectSchema } from "./config.js";
import { createHubspotConnector } from "./connector.js";
import { filterBudgetProblems } from "./search-query.js";

/** Every problem a pull would refuse later: shape, then HubSpot's search limits with telesync's filters. */
function checkSelect(select: unknown, errorMap?: z.core.$ZodErrorMap): SelectProblem[] {
  const parsed = hubspotSelectSchema.safeParse(select, errorMap ? { error: errorMap } : undefined);
  if (!parsed.success)
    return selectProblems(
      parsed.error,
      "a hubspot source: { listId }, { search: { filterGroups } } or { allContacts: true }",
    );
  if (!("search" in parsed.data)) return [];
  return filterBudgetProblems(parsed.data.search.filterGroups).map((message) => ({
    path: ["search"],
    message,
  }));
}

export const hubspotVendor: VendorModule<HubspotIntegration> = {
  vendor: "hubspot",
  checkSelect,
  sourceObjectTypes: () => ["contacts"],
  activitySettings: (config) => ({
    subjectTemplate: config.writeback.title,
    agentOwners: config.writeback.agentOwners,
  }),
  createConnector: (config, context) => createHubspotConnector(config, context),
};
