import { isVendorName } from "../../connectors/registry.js";
import type { CheckableConfig } from "./cross-check.js";
import {
  campaignSchema,
  configSchema,
  fieldMappingSchema,
  integrationSchema,
  sourceSchema,
} from "./schema.js";

function entries(value: unknown): [string, unknown][] {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? Object.entries(value) : [];
}

/**
 * The parts of a config with mistakes that are valid on their own, so the cross-section checks can
 * still run and one `telesync check` reports every mistake, not only the first kind it meets.
 * An entry with its own mistakes stays declared (as `undefined`) so references to it are not
 * reported as unknown too.
 */
export function salvageConfig(raw: unknown): CheckableConfig {
  const root = Object.fromEntries(entries(raw));
  const integrations: CheckableConfig["integrations"] = {};
  for (const [id, value] of entries(root.integrations)) {
    const parsed = integrationSchema.safeParse(value);
    if (parsed.success) integrations[id] = parsed.data;
    else {
      // The vendor alone is enough to check the sources that use this integration.
      const vendor = Object.fromEntries(entries(value)).vendor;
      integrations[id] =
        typeof vendor === "string" && isVendorName(vendor) ? { vendor, dispositions: {} } : undefined;
    }
  }
  const mappings: CheckableConfig["mappings"] = {};
  for (const [id, value] of entries(root.mappings)) {
    const parsed = fieldMappingSchema.strip().safeParse(value);
    mappings[id] = parsed.success ? parsed.data : undefined;
  }
  const campaigns: CheckableConfig["campaigns"] = {};
  for (const [id, value] of entries(root.campaigns)) {
    const parsed = campaignSchema.strip().safeParse(value);
    campaigns[id] = parsed.success ? parsed.data : undefined;
  }
  const sources = Array.isArray(root.sources)
    ? root.sources.map((value) => {
        // An unknown key is reported already; without it the source may still be checked.
        const parsed = sourceSchema.strip().safeParse(value);
        return parsed.success ? parsed.data : undefined;
      })
    : [];
  const dispositions = configSchema.shape.dispositions.safeParse(root.dispositions);
  const declared = Array.isArray(root.dispositions)
    ? root.dispositions.filter((d): d is string => typeof d === "string")
    : [];
  return {
    integrations,
    mappings,
    campaigns,
    sources,
    dispositions: dispositions.success ? dispositions.data : declared,
  };
}
