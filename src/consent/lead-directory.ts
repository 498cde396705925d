import { ownEntry } from "../config/lookup.js";
import type { Telesync } from "../runtime/telesync.js";
import { parseLeadKey } from "../writeback/jobs.js";

/** What telesync knows of a lead key: the campaigns it is queued in or fed to, and its numbers. */
export interface KnownLead {
  leadKey: string;
  /** Campaigns with a job for the lead (any state), and campaigns of sources it is a member of. */
  campaigns: string[];
  phones: string[];
}

/**
 * Lead keys telesync knows: a job in a campaign queue (job id = lead key) or a member of a source's
 * last pull. Anything else (a CRM record in none of the deployment's sources) is unknown, and no
 * consent change is accepted for it, so an API key cannot reach arbitrary CRM records.
 */
export class LeadDirectory {
  constructor(private readonly telesync: Telesync) {}

  async find(leadKey: string): Promise<KnownLead | undefined> {
    const ref = parseLeadKey(leadKey);
    if (!ref || !ownEntry(this.telesync.config.integrations, ref.integration)) return undefined;
    const campaigns = new Set<string>();
    const phones = new Set<string>();
    for (const campaign of Object.keys(this.telesync.config.campaigns)) {
      const job = await this.telesync.dialQueue(campaign).queue.getJob(leadKey);
      if (!job) continue;
      campaigns.add(campaign);
      for (const phone of [job.data.lead.phone, ...(job.data.lead.altPhones ?? [])]) phones.add(phone);
    }
    // Object sources are keyed by record id; campaign sources by member id (their leads are queued).
    for (const source of this.telesync.config.sources) {
      if (source.integration !== ref.integration || campaigns.has(source.campaign)) continue;
      const members = await this.telesync.syncState(source.id).leadKeysFor([ref.crmId]);
      if (members.get(ref.crmId) === leadKey) campaigns.add(source.campaign);
    }
    if (campaigns.size === 0) return undefined;
    return { leadKey, campaigns: [...campaigns], phones: [...phones] };
  }
}
