import { fieldNameProblem, leadObjectTypes, type VendorName } from "../../connectors/registry.js";
import type { CreateLeadConfig } from "./inbound-schema.js";

interface Problem {
  path: (string | number)[];
  message: string;
}

/**
 * `inbound.createLead` against the integrations: the integration exists, the object is one its
 * vendor creates leads on, and every field name is one the vendor could have.
 */
export function createLeadProblems(
  createLead: CreateLeadConfig | undefined,
  integrations: Record<string, { vendor: VendorName } | undefined>,
): Problem[] {
  if (!createLead) return [];
  const at = (...path: (string | number)[]) => ["inbound", "createLead", ...path];
  if (!Object.hasOwn(integrations, createLead.integration)) {
    const names = Object.keys(integrations).map((n) => `"${n}"`);
    return [
      {
        path: at("integration"),
        message: `unknown integration "${createLead.integration}"; expected one of ${names.join(", ")}`,
      },
    ];
  }
  const vendor = integrations[createLead.integration]?.vendor;
  if (!vendor) return [];
  const problems: Problem[] = [];
  const objects = leadObjectTypes(vendor);
  if (!objects.includes(createLead.object))
    problems.push({
      path: at("object"),
      message: `${vendor} leads for unknown callers are created on ${objects.join(" or ")}, not "${createLead.object}"`,
    });
  for (const [name, path] of [
    [createLead.idField, at("idField")],
    ...Object.keys(createLead.fields).map((field) => [field, at("fields", field)] as const),
  ] as const) {
    const problem = fieldNameProblem(vendor, name);
    if (problem) problems.push({ path: [...path], message: `${JSON.stringify(name)}: ${problem}` });
  }
  return problems;
}
