import { randomUUID } from "node:crypto";
import type { DialQueueRegistry } from "../queues/dial-queue-registry.js";
import type { PhoneIndex } from "../queues/phone-index.js";
import { parseLeadKey } from "../writeback/jobs.js";
import type { WritebackIntake } from "../writeback/outcome-intake.js";
import { ConsentError } from "./consent-error.js";
import type { ConsentEvidence, ConsentLedger } from "./consent-ledger.js";
import type { LeadDirectory } from "./lead-directory.js";
import type { SuppressionList } from "./suppression.js";

export interface ConsentRequest {
  phone?: string | undefined;
  leadKey?: string | undefined;
  status: "opted_out" | "opted_in";
  source: string;
  /** Who asks (the ledger's provenance): an API key's name, `webhook:<integration>`. Default `telesync`. */
  actor?: string | undefined;
  /** Required for an opt-in. */
  evidence?: ConsentEvidence | undefined;
  /** An opt-in lifts numbers on the internal do-not-call list only with this set (admin keys). */
  overrideInternalDnc?: boolean | undefined;
}

export interface ConsentEffect {
  phones: string[];
  /** Waiting or delayed jobs taken out of campaign queues. */
  removedJobs: number;
  /** Do-not-call writes queued for the CRM. */
  crmWrites: number;
  /** The change's id in the consent ledger. */
  changeId: string;
}

export interface ConsentDependencies {
  suppression: SuppressionList;
  phones: Pick<PhoneIndex, "lookup">;
  /** The append-only consent ledger (provenance of every change). */
  ledger: ConsentLedger;
  /** Which lead keys telesync knows (only those may be changed through the API). */
  leads: LeadDirectory;
  dialQueues: Pick<DialQueueRegistry, "has" | "get">;
  /** Where do-not-call changes for the CRM are queued. */
  intake: Pick<WritebackIntake, "enqueue">;
  /** The configured integration ids: a lead key of any other integration is not written back. */
  integrations: readonly string[];
  /** telesync's clock (the time a change is recorded with). */
  now: () => Date;
}

/**
 * Opt-outs and opt-ins. An opt-out is in the suppression list before this returns (every lease
 * checks it), its queued jobs leave every campaign, and DoNotCall is queued for the CRM. An opt-in
 * needs evidence and never lifts the internal do-not-call list without an explicit override. Every
 * change is in the consent ledger before it takes effect. Lead keys must be known to telesync.
 */
export class ConsentService {
  readonly suppression: SuppressionList;
  readonly ledger: ConsentLedger;
  readonly leads: LeadDirectory;

  constructor(private readonly deps: ConsentDependencies) {
    this.suppression = deps.suppression;
    this.ledger = deps.ledger;
    this.leads = deps.leads;
  }

  /**
   * `writeToCrm: false` is for changes the CRM itself reported (webhooks) or telesync's own
   * suppress rule: the lead key need not be queued, and nothing is written back.
   */
  async apply(request: ConsentRequest, options: { writeToCrm?: boolean } = {}): Promise<ConsentEffect> {
    const optOut = request.status === "opted_out";
    const now = this.deps.now();
    if (!optOut) checkOptInEvidence(request, now);
    const phones = new Set<string>(request.phone ? [request.phone] : []);
    const leadKeys = new Set<string>();
    if (request.leadKey) {
      const known = await this.leads.find(request.leadKey);
      if (!known && options.writeToCrm !== false) {
        throw new ConsentError(404, "unknown_lead", `no queued lead or source member "${request.leadKey}"`);
      }
      leadKeys.add(request.leadKey);
      for (const phone of known?.phones ?? []) phones.add(phone);
      for (const phone of await this.ledger.phonesOfLead(request.leadKey)) phones.add(phone);
    }
    const queued: Array<{ campaign: string; leadKey: string }> = [];
    for (const phone of phones) {
      for (const entry of await this.deps.phones.lookup(phone)) {
        leadKeys.add(entry.leadKey);
        queued.push(entry);
      }
    }
    const effect: ConsentEffect = {
      phones: [...phones],
      removedJobs: 0,
      crmWrites: 0,
      changeId: randomUUID(),
    };
    if (!optOut && !request.overrideInternalDnc) {
      const listed = await this.suppression.suppressedAmong(effect.phones);
      if (listed.size > 0) {
        throw new ConsentError(
          409,
          "internal_dnc",
          `${listed.size} number(s) of this request are on the internal do-not-call list; an admin lifts them only with overrideInternalDnc: true`,
        );
      }
    }
    await this.ledger.append({
      changeId: effect.changeId,
      at: now.toISOString(),
      status: request.status,
      source: request.source,
      actor: request.actor ?? "telesync",
      ...(request.evidence ? { evidence: request.evidence } : {}),
      ...(!optOut && request.overrideInternalDnc ? { overrideInternalDnc: true } : {}),
      leadKeys: [...leadKeys],
      phones: effect.phones,
    });
    const at = now.toISOString();
    if (optOut) await this.suppression.add(effect.phones, { source: request.source, at });
    else await this.suppression.remove(effect.phones);

    if (optOut) {
      for (const { campaign, leadKey } of queued) {
        if (!this.deps.dialQueues.has(campaign)) continue;
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
        id: `${leadKey}|${request.status}|${effect.changeId}`,
        lead: ref,
        doNotCall: optOut,
        source: request.source,
      });
      effect.crmWrites++;
    }
    return effect;
  }
}

/** An opt-in names its evidence, given no later than now. */
function checkOptInEvidence(request: ConsentRequest, now: Date): void {
  const evidence = request.evidence;
  if (!evidence) {
    throw new ConsentError(
      400,
      "evidence_required",
      "an opt-in needs evidence: { source, who, when, basis }",
    );
  }
  const when = Date.parse(evidence.when);
  if (!Number.isFinite(when) || when > now.getTime() + 60_000) {
    throw new ConsentError(400, "evidence_in_future", "evidence.when must be a time no later than now");
  }
}
