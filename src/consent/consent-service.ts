import { randomUUID } from "node:crypto";
import type { DialQueueRegistry } from "../queues/dial-queue-registry.js";
import type { PhoneIndex } from "../queues/phone-index.js";
import { parseLeadKey } from "../writeback/jobs.js";
import type { WritebackIntake } from "../writeback/outcome-intake.js";
import type { SuppressionList } from "./suppression.js";

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

export interface ConsentDependencies {
  suppression: SuppressionList;
  phones: Pick<PhoneIndex, "lookup">;
  dialQueues: Pick<DialQueueRegistry, "has" | "get" | "jobsOfLead">;
  /** Where do-not-call changes for the CRM are queued. */
  intake: Pick<WritebackIntake, "enqueue">;
  /** The configured integration ids: a lead key of any other integration is not written back. */
  integrations: readonly string[];
  /** telesync's clock (the time an opt-out is recorded with). */
  now: () => Date;
}

/**
 * Opt-outs and opt-ins. An opt-out is in the suppression list before this returns (every lease
 * checks it), its queued jobs leave every campaign, and DoNotCall is queued for the CRM.
 */
export class ConsentService {
  readonly suppression: SuppressionList;

  constructor(private readonly deps: ConsentDependencies) {
    this.suppression = deps.suppression;
  }

  /** Phones of a lead, found through the campaign queues (job id = lead key). */
  private async phonesOfLead(leadKey: string): Promise<string[]> {
    const phones = new Set<string>();
    for (const { job } of await this.deps.dialQueues.jobsOfLead(leadKey))
      for (const p of [job.data.lead.phone, ...(job.data.lead.altPhones ?? [])]) phones.add(p);
    return [...phones];
  }

  async apply(request: ConsentRequest, options: { writeToCrm?: boolean } = {}): Promise<ConsentEffect> {
    const phones = new Set<string>(request.phone ? [request.phone] : []);
    if (request.leadKey) for (const p of await this.phonesOfLead(request.leadKey)) phones.add(p);
    const at = this.deps.now().toISOString();
    const effect: ConsentEffect = { phones: [...phones], removedJobs: 0, crmWrites: 0 };
    const optOut = request.status === "opted_out";
    if (optOut) await this.suppression.add(effect.phones, { source: request.source, at });
    else await this.suppression.remove(effect.phones);

    const leadKeys = new Set<string>(request.leadKey ? [request.leadKey] : []);
    for (const phone of effect.phones) {
      for (const { campaign, leadKey } of await this.deps.phones.lookup(phone)) {
        leadKeys.add(leadKey);
        if (!optOut || !this.deps.dialQueues.has(campaign)) continue;
        const queue = this.deps.dialQueues.get(campaign);
        const job = await queue.queue.getJob(leadKey);
        const state = await job?.getState();
        if (job && (state === "waiting" || state === "delayed" || state === "prioritized")) {
          effect.removedJobs += (await queue.remove([leadKey])) > 0 ? 1 : 0;
        }
      }
    }
    if (options.writeToCrm === false) return effect;
    for (const leadKey of leadKeys) {
      const ref = parseLeadKey(leadKey);
      if (!ref || !this.deps.integrations.includes(ref.integration)) continue;
      await this.deps.intake.enqueue({
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
