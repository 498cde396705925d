import type { Lead } from "../../src/model/lead.js";

/** A Salesforce Lead in the canonical model, as a sync maps it: the rest a test sets in `over`. */
export function salesforceLead(crmId: string, phone: string, over: Partial<Lead> = {}): Lead {
  return {
    key: `sf/Lead/${crmId}`,
    integration: "sf",
    objectType: "Lead",
    crmId,
    phone,
    doNotCall: false,
    extra: {},
    modifiedAt: "2026-11-30T10:00:00.000Z",
    ...over,
  };
}
