import type { SourceConfig } from "../config/schema.js";
import type { DialQueueRegistry } from "../queues/dial-queue-registry.js";
import { parseLeadKey } from "../writeback/jobs.js";

/** What telesync knows of a lead key: the campaigns it is queued in or fed to, and its numbers. */
export interface KnownLead {
  leadKey: string;
  /** Campaigns with a job for the lead (any state), and campaigns of sources it is a member of. */
  campaigns: string[];
  phones: string[];
}

export interface LeadDirectoryDependencies {
  /** The configured integration ids. */
  integrations: readonly string[];
  sources: readonly Pick<SourceConfig, "id" | "integration" | "campaign">[];
  dialQueues: Pick<DialQueueRegistry, "jobsOfLead">;
  /** A source's membership: CRM ref → lead key (the sync state of the last pull). */
  membersOf(sourceId: string, refs: string[]): Promise<Map<string, string>>;
}

/**
 * Lead keys telesync knows: a job in a campaign queue (job id = lead key) or a member of a source's
 * last pull. Anything else (a CRM record in none of the deployment's sources) is unknown, and no
 * consent change is accepted for it, so an API key cannot reach arbitrary CRM records.
 */
export class LeadDirectory {
  constructor(private readonly deps: LeadDirectoryDependencies) {}

  async find(leadKey: string): Promise<KnownLead | undefined> {
    const ref = parseLeadKey(leadKey);
    if (!ref || !this.deps.integrations.includes(ref.integration)) return undefined;
    const campaigns = new Set<string>();
    const phones = new Set<string>();
    for (const { campaign, job } of await this.deps.dialQueues.jobsOfLead(leadKey)) {
      campaigns.add(campaign);
      for (const phone of [job.data.lead.phone, ...(job.data.lead.altPhones ?? [])]) phones.add(phone);
    }
    // Object sources are keyed by record id; campaign sources by member id (their leads are queued).
    for (const source of this.deps.sources) {
      if (source.integration !== ref.integration || campaigns.has(source.campaign)) continue;
      const members = await this.deps.membersOf(source.id, [ref.crmId]);
      if (members.get(ref.crmId) === leadKey) campaigns.add(source.campaign);
    }
    if (campaigns.size === 0) return undefined;
    return { leadKey, campaigns: [...campaigns], phones: [...phones] };
  }
}
