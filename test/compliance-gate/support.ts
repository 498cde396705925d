import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CrmSandbox } from "@telesync/sandbox";
import type { ConfigInput } from "../support/harness.js";

/** One lead per US time zone (plus Puerto Rico, already in its window at 07:30 Eastern in winter). */
export const zoneLeads = [
  { name: "PuertoRico", phone: "(787) 555-0101", state: "PR" },
  { name: "NewYork", phone: "(212) 555-0102", state: "NY" },
  { name: "Miami", phone: "(305) 555-0103", state: "FL" },
  { name: "Chicago", phone: "(312) 555-0104", state: "IL" },
  { name: "Denver", phone: "(303) 555-0105", state: "CO" },
  { name: "Phoenix", phone: "(602) 555-0106", state: "AZ" },
  { name: "SanFrancisco", phone: "(415) 555-0107", state: "CA" },
  { name: "Anchorage", phone: "(907) 555-0108", state: "AK" },
  { name: "Honolulu", phone: "(808) 555-0109", state: "HI" },
] as const;
export type ZoneLead = (typeof zoneLeads)[number]["name"];

/** Insert leads into the Salesforce sandbox; returns their ids by name. */
export function insertLeads(
  sandbox: CrmSandbox,
  leads: ReadonlyArray<{ name: string; phone: string; state: string; doNotCall?: boolean }>,
): Map<string, string> {
  const ids = new Map<string, string>();
  for (const lead of leads) {
    ids.set(
      lead.name,
      sandbox.salesforce.insert("Lead", {
        LastName: lead.name,
        Company: `${lead.name} Co`,
        Phone: lead.phone,
        State: lead.state,
        Country: "US",
        Status: "Open - Not Contacted",
        DoNotCall: lead.doNotCall ?? false,
      }),
    );
  }
  return ids;
}

/** The harness config, with the address mapped (state and country feed the gate's location). */
export function withAddress(input: ConfigInput): ConfigInput {
  const mapping = input.mappings.lead;
  if (!mapping) throw new Error("harness config has no lead mapping");
  return {
    ...input,
    mappings: {
      ...input.mappings,
      lead: {
        ...mapping,
        fields: [
          ...mapping.fields,
          { to: "region", from: "State", transform: ["upper"] },
          { to: "country", constant: "US" },
        ],
      },
    },
  };
}

const secretKeys = new Set(["clientSecret", "refreshToken", "accessToken", "keys"]);

/** Write a config for the CLI: secrets become `${VAR:-value}` references, as the loader requires. */
export function writeConfigFile(dir: string, input: ConfigInput): string {
  const asReference = (value: unknown): unknown =>
    typeof value === "string"
      ? `\${TELESYNC_TEST_UNSET:-${value}}`
      : Array.isArray(value)
        ? value.map(asReference)
        : value;
  const file = join(dir, "telesync.config.yaml");
  writeFileSync(
    file,
    JSON.stringify(input, (key, value: unknown) => (secretKeys.has(key) ? asReference(value) : value), 2),
  );
  return file;
}
