import { createHash } from "node:crypto";
import type { CallFieldName, CreateLeadConfig } from "../config/inbound-schema.js";

/**
 * telesync's id for the lead an inbound call creates: derived from the outcomeId alone, so every
 * retry (of the request or of the CRM write) names the same record. Hashed to a fixed length: CRM
 * unique fields hold 255 characters at most, outcomeIds may be longer.
 */
export function createdLeadId(outcomeId: string): string {
  return `tsl-${createHash("sha256").update(outcomeId).digest("hex").slice(0, 40)}`;
}

/** `Jane van Dyke` → first `Jane`, last `van Dyke`; one word is a last name. */
function nameParts(name: string | undefined): { first?: string; last?: string } {
  const words = (name ?? "")
    .trim()
    .split(/\s+/)
    .filter((w) => w !== "");
  if (words.length === 0) return {};
  if (words.length === 1) return { last: words[0] as string };
  return { first: words[0] as string, last: words.slice(1).join(" ") };
}

/** The new lead's field values from the call, per the config's mapping. Pure. */
export function createLeadFields(
  config: Pick<CreateLeadConfig, "fields">,
  call: { phone: string; callerName?: string | undefined },
): Record<string, string> {
  const name = call.callerName?.trim() || undefined;
  const parts = nameParts(name);
  const values: Record<CallFieldName, string | undefined> = {
    phone: call.phone,
    callerName: name,
    callerFirstName: parts.first,
    callerLastName: parts.last,
  };
  const fields: Record<string, string> = {};
  for (const [field, rule] of Object.entries(config.fields)) {
    const value = "value" in rule ? rule.value : (values[rule.from] ?? rule.default);
    if (value !== undefined) fields[field] = value;
  }
  return fields;
}
