import { hubspotSelectSchema } from "../../connectors/hubspot/config.js";
import { salesforceSelectSchema } from "../../connectors/salesforce/config.js";
import { defaultRuleSet } from "../compliance/index.js";
import { ownEntry } from "./lookup.js";
import type { TelesyncConfig } from "./schema.js";

export interface CrossProblem {
  path: (string | number)[];
  message: string;
}

const selectSchemas = { salesforce: salesforceSelectSchema, hubspot: hubspotSelectSchema } as const;

function oneOf(names: string[]): string {
  return names.length > 0 ? `one of ${names.map((n) => `"${n}"`).join(", ")}` : "nothing (none declared)";
}

/** Checks that need the whole file: references between sections, vendor-specific source blocks. */
export function crossCheckConfig(config: TelesyncConfig): CrossProblem[] {
  const problems: CrossProblem[] = [];
  const integrations = Object.keys(config.integrations);
  const mappings = Object.keys(config.mappings);
  const campaigns = Object.keys(config.campaigns);
  const seen = new Set<string>();
  config.sources.forEach((source, i) => {
    if (seen.has(source.id))
      problems.push({ path: ["sources", i, "id"], message: `duplicate source id "${source.id}"` });
    seen.add(source.id);
    const integration = ownEntry(config.integrations, source.integration);
    if (!integration) {
      problems.push({
        path: ["sources", i, "integration"],
        message: `unknown integration "${source.integration}"; expected ${oneOf(integrations)}`,
      });
    } else {
      const parsed = selectSchemas[integration.vendor].safeParse(source.select);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          problems.push({
            path: ["sources", i, "select", ...issue.path.map((p) => (typeof p === "symbol" ? String(p) : p))],
            message: `${issue.message} (a ${integration.vendor} source)`,
          });
        }
      }
    }
    if (!ownEntry(config.mappings, source.mapping)) {
      problems.push({
        path: ["sources", i, "mapping"],
        message: `unknown mapping "${source.mapping}"; expected ${oneOf(mappings)}`,
      });
    }
    if (!ownEntry(config.campaigns, source.campaign)) {
      problems.push({
        path: ["sources", i, "campaign"],
        message: `unknown campaign "${source.campaign}"; expected ${oneOf(campaigns)}`,
      });
    }
  });
  const registries = defaultRuleSet().registries.rules.map((rule) => rule.country);
  for (const [name, campaign] of Object.entries(config.campaigns)) {
    campaign.compliance.requiredRegistries.forEach((country, i) => {
      if (!registries.includes(country)) {
        problems.push({
          path: ["campaigns", name, "compliance", "requiredRegistries", i],
          message: `no registry rule (snapshot age limit) for ${country}; expected ${oneOf(registries)}`,
        });
      }
    });
  }
  const dispositions = new Set(config.dispositions);
  for (const [name, campaign] of Object.entries(config.campaigns)) {
    for (const disposition of Object.keys(campaign.outcomes)) {
      if (!dispositions.has(disposition)) {
        problems.push({
          path: ["campaigns", name, "outcomes", disposition],
          message: `unknown disposition; expected ${oneOf(config.dispositions)} (add it to dispositions)`,
        });
      }
    }
  }
  for (const [name, integration] of Object.entries(config.integrations)) {
    for (const disposition of Object.keys(integration.dispositions)) {
      if (!dispositions.has(disposition)) {
        problems.push({
          path: ["integrations", name, "dispositions", disposition],
          message: `unknown disposition; expected ${oneOf(config.dispositions)} (add it to dispositions)`,
        });
      }
    }
  }
  for (const [name, mapping] of Object.entries(config.mappings)) {
    if (!mapping.fields.some((rule) => rule.to === "phone")) {
      problems.push({
        path: ["mappings", name, "fields"],
        message: 'no rule maps to "phone": a lead needs a number',
      });
    }
  }
  return problems;
}
