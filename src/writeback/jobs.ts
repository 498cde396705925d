import type { AppointmentChange } from "../../connectors/types.js";
import type { CallOutcome } from "../model/outcome.js";

/** The CRM record an outcome or consent change is written to, parsed from the lead key. */
export interface LeadRef {
  integration: string;
  objectType: string;
  crmId: string;
  membershipId?: string;
  phone?: string;
}

/** A call outcome on its way to the CRM. Small: ids and the dialer's report, no lead copy. */
export interface OutcomeJob {
  kind: "outcome";
  outcome: CallOutcome;
  lead: LeadRef;
  /** Set by telesync (never the dialer) when the call broke a compliance rule: see `ActivityWrite`. */
  complianceFlag?: string;
  /** Set after a failure that may have been applied: the next attempt looks for the first write. */
  ambiguous?: boolean;
  /**
   * The call's caller matched no record (`inbound.policy: create-lead`): the lead is created first,
   * by an upsert on `idField` = `createId`, and `lead.crmId` stays empty until then.
   */
  createLead?: { createId: string; idField: string; fields: Record<string, string> };
}

/** A do-not-call change on its way to the CRM. */
export interface ConsentJob {
  kind: "consent";
  id: string;
  lead: LeadRef;
  doNotCall: boolean;
  source: string;
  ambiguous?: boolean;
}

/** A reschedule or cancellation of an appointment already in the CRM. */
export interface AppointmentJob {
  kind: "appointment";
  /** `<appointmentId>\n<changeId>` (`appointmentChangeKey`): the job's idempotency key and its receipt's id. */
  id: string;
  /** telesync's appointment id (`<outcomeId>#appointment`). */
  appointmentId: string;
  lead: LeadRef;
  /** The Event / meeting, from the outcome's receipt. */
  record: { objectType: string; crmId: string };
  change: AppointmentChange["change"];
  ambiguous?: boolean;
}

export type WritebackJob = OutcomeJob | ConsentJob | AppointmentJob;

/** A change's id within its appointment: a dialer's changeIds need only be unique per appointment. */
export function appointmentChangeKey(appointmentId: string, changeId: string): string {
  return `${appointmentId}\n${changeId}`;
}

/** `<integration>/<objectType>/<crmId>` → its parts; undefined when malformed. */
export function parseLeadKey(leadKey: string): Omit<LeadRef, "membershipId" | "phone"> | undefined {
  const first = leadKey.indexOf("/");
  const second = leadKey.indexOf("/", first + 1);
  if (first <= 0 || second <= first + 1 || second === leadKey.length - 1) return undefined;
  return {
    integration: leadKey.slice(0, first),
    objectType: leadKey.slice(first + 1, second),
    crmId: leadKey.slice(second + 1),
  };
}
