import type { z } from "zod";
import { checkSelect, fieldNameProblem, type VendorName } from "../../connectors/registry.js";
import { defaultRuleSet } from "../compliance/index.js";
import { createLeadProblems } from "./inbound-check.js";
import type {
  CampaignConfig,
  FieldMapping,
  IntegrationConfig,
  SourceConfig,
  TelesyncConfig,
} from "./schema.js";

export interface CrossProblem {
  path: (string | number)[];
  message: string;
}

function oneOf(names: string[]): string {
  return names.length > 0 ? `one of ${names.map((n) => `"${n}"`).join(", ")}` : "nothing (none declared)";
}

/**
 * A config to cross-check: a valid one, or the valid parts of one with mistakes (`salvageConfig`).
 * A name mapped to `undefined` is declared but its entry has mistakes of its own: references to it
 * are fine, its own cross-checks are skipped.
 */
export interface CheckableConfig {
  integrations: Record<
    string,
    | (Pick<IntegrationConfig, "vendor" | "dispositions"> & Partial<Pick<IntegrationConfig, "answerFields">>)
    | undefined
  >;
  mappings: Record<string, FieldMapping | undefined>;
  campaigns: Record<string, CampaignConfig | undefined>;
  sources: Array<SourceConfig | undefined>;
  dispositions: TelesyncConfig["dispositions"];
  /** Absent when the `inbound` block itself has mistakes. */
  inbound?: Pick<TelesyncConfig["inbound"], "createLead"> | undefined;
}

/**
 * Checks that need the whole file: references between sections, and each source's vendor-specific
 * `select` block with every check its pull would make (the vendor's, through `connectors/registry.ts`).
 * `errorMap` words the schema issues of `select` blocks like the rest of the file's.
 */
export function crossCheckConfig(config: CheckableConfig, errorMap?: z.core.$ZodErrorMap): CrossProblem[] {
  const problems: CrossProblem[] = [];
  const integrations = Object.keys(config.integrations);
  const mappings = Object.keys(config.mappings);
  const campaigns = Object.keys(config.campaigns);
  const seen = new Set<string>();
  config.sources.forEach((source, i) => {
    if (!source) return;
    if (seen.has(source.id))
      problems.push({ path: ["sources", i, "id"], message: `duplicate source id "${source.id}"` });
    seen.add(source.id);
    const integration = config.integrations[source.integration];
    if (!Object.hasOwn(config.integrations, source.integration)) {
      problems.push({
        path: ["sources", i, "integration"],
        message: `unknown integration "${source.integration}"; expected ${oneOf(integrations)}`,
      });
    } else if (integration) {
      for (const problem of checkSelect(integration.vendor, source.select, errorMap)) {
        problems.push({ path: ["sources", i, "select", ...problem.path], message: problem.message });
      }
    }
    if (!Object.hasOwn(config.mappings, source.mapping)) {
      problems.push({
        path: ["sources", i, "mapping"],
        message: `unknown mapping "${source.mapping}"; expected ${oneOf(mappings)}`,
      });
    }
    if (!Object.hasOwn(config.campaigns, source.campaign)) {
      problems.push({
        path: ["sources", i, "campaign"],
        message: `unknown campaign "${source.campaign}"; expected ${oneOf(campaigns)}`,
      });
    }
  });
  problems.push(...mappedFieldProblems(config));
  problems.push(...createLeadProblems(config.inbound?.createLead, config.integrations));
  problems.push(...answerFieldProblems(config));
  const registries = defaultRuleSet().registries.rules.map((rule) => rule.country);
  for (const [name, campaign] of Object.entries(config.campaigns)) {
    if (!campaign) continue;
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
    if (!campaign) continue;
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
    if (!integration) continue;
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
    if (!mapping) continue;
    if (!mapping.fields.some((rule) => rule.to === "phone")) {
      problems.push({
        path: ["mappings", name, "fields"],
        message: 'no rule maps to "phone": a lead needs a number',
      });
    }
  }
  return problems;
}

/** `answerFields` naming a question no campaign's script asks, or a field the vendor could not have. */
function answerFieldProblems(config: CheckableConfig): CrossProblem[] {
  const problems: CrossProblem[] = [];
  const campaigns = Object.values(config.campaigns);
  // A campaign with mistakes of its own may hold the question: its script is not checked against.
  if (campaigns.includes(undefined)) return problems;
  const asked = [...new Set(campaigns.flatMap((c) => c?.script?.questions.map((q) => q.id) ?? []))];
  for (const [name, integration] of Object.entries(config.integrations)) {
    for (const [questionId, rule] of Object.entries(integration?.answerFields ?? {})) {
      if (!asked.includes(questionId)) {
        problems.push({
          path: ["integrations", name, "answerFields", questionId],
          message: `no campaign's script asks "${questionId}"; expected ${oneOf(asked)}`,
        });
      }
      const problem = integration && fieldNameProblem(integration.vendor, rule.field);
      if (problem) {
        problems.push({
          path: ["integrations", name, "answerFields", questionId, "field"],
          message: `${JSON.stringify(rule.field)}: ${problem}`,
        });
      }
    }
  }
  return problems;
}

/** Field names a mapping reads that the vendor of a source using it could never pull. */
function mappedFieldProblems(config: CheckableConfig): CrossProblem[] {
  const problems: CrossProblem[] = [];
  const checked = new Set<string>();
  for (const source of config.sources) {
    const vendor: VendorName | undefined = source && config.integrations[source.integration]?.vendor;
    const mapping = source && config.mappings[source.mapping];
    if (!source || !vendor || !mapping || checked.has(`${vendor}/${source.mapping}`)) continue;
    checked.add(`${vendor}/${source.mapping}`);
    mapping.fields.forEach((rule, i) => {
      const names: Array<[string, (string | number)[]]> = [
        ...(rule.from ? [[rule.from, ["from"]] as [string, (string | number)[]]] : []),
        ...(rule.concat ?? []).map((name, j) => [name, ["concat", j]] as [string, (string | number)[]]),
      ];
      for (const [name, at] of names) {
        const problem = fieldNameProblem(vendor, name);
        if (problem) {
          problems.push({
            path: ["mappings", source.mapping, "fields", i, ...at],
            message: `${JSON.stringify(name)}: ${problem} (read by ${vendor} source "${source.id}")`,
          });
        }
      }
    });
  }
  return problems;
}
