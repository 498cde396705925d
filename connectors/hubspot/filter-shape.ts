import type { SelectProblem } from "../types.js";
import type { AdminFilterGroup, SearchFilter } from "./search-query.js";

type Operator = SearchFilter["operator"];

/**
 * Which value fields each search operator takes (HubSpot's search API: `value` for comparisons,
 * `value` + `highValue` for BETWEEN, `values` for IN / NOT_IN, nothing for HAS_PROPERTY).
 * https://developers.hubspot.com/docs/api/crm/search#filter-search-results
 */
const takes: Record<Operator, "value" | "range" | "values" | "nothing"> = {
  EQ: "value",
  NEQ: "value",
  LT: "value",
  LTE: "value",
  GT: "value",
  GTE: "value",
  CONTAINS_TOKEN: "value",
  NOT_CONTAINS_TOKEN: "value",
  BETWEEN: "range",
  IN: "values",
  NOT_IN: "values",
  HAS_PROPERTY: "nothing",
  NOT_HAS_PROPERTY: "nothing",
};

function shapeProblem(filter: SearchFilter): string | undefined {
  const has = {
    value: filter.value !== undefined,
    highValue: filter.highValue !== undefined,
    values: filter.values !== undefined,
  };
  const op = filter.operator;
  switch (takes[op]) {
    case "value":
      return has.value && !has.highValue && !has.values ? undefined : `${op} takes \`value\` (only)`;
    case "range":
      return has.value && has.highValue && !has.values
        ? undefined
        : `${op} takes \`value\` and \`highValue\``;
    case "values":
      if (!has.values || has.value || has.highValue) return `${op} takes \`values\` (a list, only)`;
      return filter.values?.length === 0 ? `${op} with an empty \`values\` list matches nothing` : undefined;
    case "nothing":
      return has.value || has.highValue || has.values ? `${op} takes no value` : undefined;
  }
}

/** Filters whose value fields do not fit their operator: HubSpot would answer the search with a 400. */
export function filterShapeProblems(groups: readonly AdminFilterGroup[]): SelectProblem[] {
  const problems: SelectProblem[] = [];
  groups.forEach((group, i) => {
    group.filters.forEach((filter, j) => {
      const problem = shapeProblem(filter);
      if (problem) problems.push({ path: ["search", "filterGroups", i, "filters", j], message: problem });
    });
  });
  return problems;
}
