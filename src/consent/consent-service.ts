import { randomUUID } from "node:crypto";
import { PhoneIndex } from "../queues/phone-index.js";
import type { Telesync } from "../runtime/telesync.js";
import { parseLeadKey } from "../writeback/jobs.js";
import type { WritebackIntake } from "../writeback/outcome-intake.js";
import { SuppressionList } from "./suppression.js";

export interface ConsentRequest {
  phone?: string | undefined;
  leadKey?: string | undefined;
  status: "opted_out" | "opted_in";
  source: string;
}

export interface ConsentEffect {
  phones: string[];
  /** Waiting or delayed jobs taken out of campaign queues. */
  removedJobs: number;
  /** Do-not-call writes queued for the CRM. */
  crmWrites: number;
}

/**
 * Opt-outs and opt-ins. An opt-out is in the suppression list before this returns (every lease
 * checks it), its queued jobs leave every campaign, and DoNotCall is queued for the CRM.
 */
export class ConsentService {
  readonly suppression: SuppressionList;
  private readonly phones: PhoneIndex;

  constructor(
    private readonly telesync: Telesync,
    private readonly intake: WritebackIntake,
  ) {
    this.suppression = new SuppressionList(telesync.redis, telesync.prefix);
    this.phones = new PhoneIndex(telesync.redis, telesync.prefix, telesync.keys.phones);
  }

  /** Phones of a lead, found through the campaign queues (job id = lead key). */
  private async phonesOfLead(leadKey: string): Promise<string[]> {
    const phones = new Set<string>();
    for (const campaign of Object.keys(this.telesync.config.campaigns)) {
      const job = await this.telesync.dialQueue(campaign).queue.getJob(leadKey);
      if (job) for (const p of [job.data.lead.phone, ...(job.data.lead.altPhones ?? [])]) phones.add(p);
    }
    return [...phones];
  }

  async apply(request: ConsentRequest, options: { writeToCrm?: boolean } = {}): Promise<ConsentEffect> {
    const phones = new Set<string>(request.phone ? [request.phone] : []);
    if (request.leadKey) for (const p of await this.phonesOfLead(request.leadKey)) phones.add(p);
    const at = new Date().toISOString();
    const effect: ConsentEffect = { phones: [...phones], removedJobs: 0, crmWrites: 0 };
    const optOut = request.status === "opted_out";
    if (optOut) await this.suppression.add(effect.phones, { source: request.source, at });
    else await this.suppression.remove(effect.phones);

    const leadKeys = new Set<string>(request.leadKey ? [request.leadKey] : []);
    for (const phone of effect.phones) {
      for (const { campaign, leadKey } of await this.phones.lookup(phone)) {
        leadKeys.add(leadKey);
        if (!optOut || !this.telesync.config.campaigns[campaign]) continue;
        const job = await this.telesync.dialQueue(campaign).queue.getJob(leadKey);
        const state = await job?.getState();
        if (job && (state === "waiting" || state === "delayed" || state === "prioritized")) {
          effect.removedJobs += (await this.telesync.dialQueue(campaign).remove([leadKey])) > 0 ? 1 : 0;
        }
      }
    }
    if (options.writeToCrm === false) return effect;
    for (const leadKey of leadKeys) {
      const ref = parseLeadKey(leadKey);
      if (!ref || !this.telesync.config.integrations[ref.integration]) continue;
      await this.intake.enqueue({
        kind: "consent",
        id: `${leadKey}|${request.status}|${randomUUID()}`,
        lead: ref,
        doNotCall: optOut,
        source: request.source,
      });
      effect.crmWrites++;
    }
    return effect;
  }
}
