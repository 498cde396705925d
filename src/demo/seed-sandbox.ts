import type { SandboxModule } from "./load-sandbox.js";

type CrmSandbox = Awaited<ReturnType<SandboxModule["startSandbox"]>>;

export interface SandboxSeed {
  leads: string[];
  contacts: string[];
  companies: string[];
  donors: string[];
}

/**
 * What `telesync sandbox --seed N` starts with: N Salesforce Leads (optionally Campaign members), N
 * HubSpot contacts in a list, and a tenth as many HubSpot companies and records of the custom object
 * `donors` (2-3508482), so a company or custom-object source has records to pull. Deterministic: the
 * HubSpot records are numbered by index (phones +1 415 555/556/557 and the index; see the sandbox's
 * seed helpers), the Leads come from the sandbox's seeded generator.
 */
export function seedSandbox(
  sandbox: CrmSandbox,
  options: { count: number; campaignId?: string | undefined; hubspotList: string },
): SandboxSeed {
  const { count } = options;
  const objects = Math.ceil(count / 10);
  return {
    leads: sandbox.salesforce.seedLeads(count, { campaignId: options.campaignId }),
    contacts: sandbox.hubspot.seedContacts(count, { listId: options.hubspotList }),
    // Industry non-profit (the README's company source filters on it); stage Active.
    companies: sandbox.hubspot.seedCompanies(objects),
    donors: sandbox.hubspot.seedDonors(objects),
  };
}
