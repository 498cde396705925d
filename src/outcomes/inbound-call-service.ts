import type { CreateLeadConfig } from "../config/inbound-schema.js";
import type { ConsentService } from "../consent/consent-service.js";
import type { CallOutcome } from "../model/outcome.js";
import type { DialQueueRegistry } from "../queues/dial-queue-registry.js";
import type { LastLeased } from "../queues/last-leased.js";
import type { PhoneIndex } from "../queues/phone-index.js";
import { parseLeadKey } from "../writeback/jobs.js";
import type { WritebackIntake } from "../writeback/outcome-intake.js";
import {
  type AttributedBy,
  attributeCall,
  type CallerCandidate,
  type InboundPolicy,
  type KnownLead,
} from "./attribution.js";
import { createdLeadId, createLeadFields } from "./create-lead.js";
import { OutcomeConflictError } from "./errors.js";
import type { OutcomeLedger } from "./outcome-ledger.js";

/** A call that reached an agent without a lease (the caller dialled in). */
export interface InboundCall {
  outcomeId: string;
  /** The caller's number, E.164. */
  phone: string;
  disposition: string;
  startedAt: string;
  durationSec: number;
  agent?: CallOutcome["agent"] | undefined;
  notes?: string | undefined;
  recordingUrl?: string | undefined;
  /** The agent picked the record (e.g. from the candidates of an `ambiguous_caller` answer). */
  leadKey?: string | undefined;
  /** The caller asked not to be called again. */
  optOut?: boolean | undefined;
  /** The caller's name as the agent took it, for a lead `create-lead` makes. */
  callerName?: string | undefined;
}

export interface InboundResult {
  duplicate: boolean;
  /** The one record the call is logged to; absent on a duplicate whose receipt is gone. */
  leadKey?: string;
  attributedBy?: AttributedBy;
}

/** Why an inbound call cannot be logged yet; the API answers 404 / 409 with the code. */
export class InboundCallError extends Error {
  override readonly name = "InboundCallError";
  constructor(
    readonly status: 404 | 409,
    readonly code: "unknown_lead" | "unknown_caller" | "ambiguous_caller",
    message: string,
    readonly candidates?: CallerCandidate[],
  ) {
    super(message);
  }
}

export interface InboundCallDependencies {
  /** Where telesync's known leads are found (job id = lead key). */
  dialQueues: Pick<DialQueueRegistry, "jobsOfLead">;
  /** Which queued leads carry a number. */
  phones: Pick<PhoneIndex, "lookup">;
  lastLeased: Pick<LastLeased, "lookup">;
  ledger: Pick<OutcomeLedger, "lookup" | "accept" | "markQueued">;
  intake: Pick<WritebackIntake, "enqueue">;
  /** The lead key of an outcome already accepted, from its receipt. */
  receipts: { read(outcomeId: string): Promise<{ leadKey?: string } | undefined> };
  consent: Pick<ConsentService, "apply">;
  /** The configured integration ids: a lead key of another integration is unknown. */
  integrations: readonly string[];
  settings: {
    attributionWindowMs: number;
    policy: InboundPolicy;
    /** Where `create-lead` creates a lead for a caller no record matched. */
    createLead?: CreateLeadConfig | undefined;
  };
  /** telesync's clock: the attribution window is measured on it. */
  now: () => Date;
}

/**
 * Inbound calls, logged to exactly one CRM record. Attribution: the lead key the agent gave (it
 * must be known), else the lead most recently leased for the number within the window, else the
 * single known lead carrying it, else the policy (`ask`: 409 with the candidates; `newest`). Never
 * one activity per matching record. Acceptance is the outcome ledger's exactly-once step (the
 * "lease" of an inbound call is its number), then the same writeback as outbound outcomes.
 */
/** Where an inbound call is logged: a lead telesync knows, or a lead created for it. */
type CallTarget = { lead: KnownLead; by: AttributedBy } | { create: CreateLeadConfig; by: "created-lead" };

export class InboundCallService {
  constructor(private readonly deps: InboundCallDependencies) {}

  /** What the ledger holds for an inbound call instead of a lease: a retry must come from the same number. */
  private static ledgerMark(phone: string): string {
    return `inbound\n${phone}`;
  }

  async report(call: InboundCall): Promise<InboundResult> {
    const { ledger } = this.deps;
    const mark = InboundCallService.ledgerMark(call.phone);
    const entry = await ledger.lookup(call.outcomeId, mark);
    if (entry.state === "other-lease") throw new OutcomeConflictError(call.outcomeId);
    if (entry.state === "same-lease") return this.resume(call, mark, entry.queued);
    const attribution = await this.attribute(call);
    const acceptance = await ledger.accept(call.outcomeId, mark, () => {
      // Inbound calls count no attempt on the number and no campaign abandonment.
    });
    if (!acceptance.accepted) {
      if (!acceptance.sameLease) throw new OutcomeConflictError(call.outcomeId);
      return { duplicate: true, ...("lead" in attribution ? { leadKey: attribution.lead.lead.key } : {}) };
    }
    await this.queueWriteback(call, mark, attribution);
    await this.applyOptOut(call);
    // A created lead's key is known once it is written: its receipt names it.
    return {
      duplicate: false,
      ...("lead" in attribution ? { leadKey: attribution.lead.lead.key } : {}),
      attributedBy: attribution.by,
    };
  }

  /** A retry of an accepted call: finish what a crashed first attempt left undone. */
  private async resume(call: InboundCall, mark: string, queued: boolean): Promise<InboundResult> {
    const receipt = await this.deps.receipts.read(call.outcomeId);
    if (!queued) {
      // The receipt (written before the job) names the lead when the first attempt got that far.
      const named = receipt?.leadKey ? await this.known(receipt.leadKey) : undefined;
      const target: CallTarget = named ? { lead: named, by: "leadKey" } : await this.attribute(call);
      await this.queueWriteback(call, mark, target);
      await this.applyOptOut(call);
      return { duplicate: true, ...("lead" in target ? { leadKey: target.lead.lead.key } : {}) };
    }
    await this.applyOptOut(call);
    return { duplicate: true, ...(receipt?.leadKey ? { leadKey: receipt.leadKey } : {}) };
  }

  private async known(leadKey: string): Promise<KnownLead | undefined> {
    const ref = parseLeadKey(leadKey);
    if (!ref || !this.deps.integrations.includes(ref.integration)) return undefined;
    const [first] = await this.deps.dialQueues.jobsOfLead(leadKey);
    return first ? { lead: first.job.data.lead, campaign: first.campaign } : undefined;
  }

  private static carries(known: KnownLead, phone: string): boolean {
    return known.lead.phone === phone || (known.lead.altPhones ?? []).includes(phone);
  }

  private async attribute(call: InboundCall): Promise<CallTarget> {
    if (call.leadKey !== undefined) {
      const lead = await this.known(call.leadKey);
      if (!lead)
        throw new InboundCallError(404, "unknown_lead", `no lead "${call.leadKey}" is known to telesync`);
      return { lead, by: "leadKey" };
    }
    const now = this.deps.now().getTime();
    const last = await this.deps.lastLeased.lookup(call.phone);
    const recent =
      last && now - last.at.getTime() <= this.deps.settings.attributionWindowMs
        ? await this.known(last.leadKey)
        : undefined;
    const keys = new Set((await this.deps.phones.lookup(call.phone)).map((entry) => entry.leadKey));
    const matches: KnownLead[] = [];
    for (const key of keys) {
      const lead = await this.known(key);
      // The index keeps a number a lead no longer has: only leads carrying it now are candidates.
      if (lead && InboundCallService.carries(lead, call.phone)) matches.push(lead);
    }
    const attribution = attributeCall({ recentLease: recent, matches, policy: this.deps.settings.policy });
    if (attribution.ok) return { lead: attribution.lead, by: attribution.by };
    const { createLead } = this.deps.settings;
    if (attribution.problem === "unknown_caller" && this.deps.settings.policy === "create-lead" && createLead)
      return { create: createLead, by: "created-lead" };
    if (attribution.problem === "unknown_caller")
      throw new InboundCallError(
        404,
        "unknown_caller",
        "no lead known to telesync carries this number; give the leadKey of the record to log the call to",
      );
    throw new InboundCallError(
      409,
      "ambiguous_caller",
      `${attribution.candidates.length} records carry this number and none was called within the attribution window; repeat the request with the leadKey the caller is`,
      attribution.candidates,
    );
  }

  private async queueWriteback(call: InboundCall, mark: string, target: CallTarget): Promise<void> {
    const createId = createdLeadId(call.outcomeId);
    const lead =
      "lead" in target
        ? target.lead.lead
        : { integration: target.create.integration, objectType: target.create.object, crmId: "" };
    const leadKey =
      "lead" in target ? target.lead.lead.key : `${lead.integration}/${lead.objectType}/new:${createId}`;
    await this.deps.intake.enqueue({
      kind: "outcome",
      outcome: {
        outcomeId: call.outcomeId,
        leadKey,
        campaign: "lead" in target ? target.lead.campaign : target.create.campaign,
        disposition: call.disposition,
        startedAt: call.startedAt,
        durationSec: call.durationSec,
        direction: "inbound",
        ...(call.agent ? { agent: call.agent } : {}),
        ...(call.notes ? { notes: call.notes } : {}),
        ...(call.recordingUrl ? { recordingUrl: call.recordingUrl } : {}),
        // DoNotCall on the record the call is logged to; the other records with the number get it via consent.
        ...(call.optOut ? { consentRevoked: true } : {}),
      },
      lead: {
        integration: lead.integration,
        objectType: lead.objectType,
        crmId: lead.crmId,
        phone: call.phone,
        ...("membership" in lead && lead.membership ? { membershipId: lead.membership.id } : {}),
      },
      ...("create" in target
        ? {
            createLead: {
              createId,
              idField: target.create.idField,
              fields: createLeadFields(target.create, call),
            },
          }
        : {}),
    });
    await this.deps.ledger.markQueued(call.outcomeId, mark);
  }

  /** "Stop calling me": consent like any other (suppressed at once, dequeued, DoNotCall to the CRM). */
  private async applyOptOut(call: InboundCall): Promise<void> {
    if (!call.optOut) return;
    await this.deps.consent.apply({ phone: call.phone, status: "opted_out", source: "inbound" });
  }
}
