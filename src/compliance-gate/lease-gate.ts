import type { GateDecision, ParsedPhone, ResolvedLocation, RuleRef } from "../compliance/index.js";
import type { Lead } from "../model/lead.js";
import type { ReserveResult } from "./attempt-reservations.js";

/** What the lease-time gate says about a lead now: call, wait until a time, or never. */
export type GateVerdict =
  /** `jurisdictions`: where the lead resolved (its frequency caps apply; absent from a custom gate). */
  (
    | { decision: "allow"; notAfter?: Date; jurisdictions?: readonly string[] }
    | { decision: "wait"; until: Date; reason: string; rule?: RuleRef }
    /** `suppressed`: the number is on the internal do-not-call list (the lease finishes it as suppressed). */
    | { decision: "block"; reason: string; rule?: RuleRef; suppressed?: boolean }
  ) & {
    /** The outcome of the reservation the lease asked the gate to make (`LeaseGate.reservesCaps`). */
    reserved?: ReserveResult;
  };

/** The reservation of a lead's frequency caps a lease asks a gate that `reservesCaps` to make. */
export interface LeaseReservation {
  /** The lease's token: the reservation's member. */
  readonly token: string;
  /** The reservation lasts until then (the lease's lock). */
  readonly ends: Date;
}

/**
 * The gate a lease asks before handing a lead out. telesync's is `ComplianceGate.leaseGate`; a
 * library user may pass their own to `TelesyncService.start({ gate })`. A gate that checks the
 * internal do-not-call list itself says so (`checksInternalDnc`): the lease then does not read the
 * list a second time; one that can place a lead before deciding says so (`locate`).
 */
export type LeaseGate = ((
  lead: Lead,
  campaign: string,
  now: Date,
  /** What `locate` said of this lead, when the lease asked it first. */
  located?: LeadLocation,
  /** Reserve the lead's frequency caps with the reads, for the located jurisdictions (`reservesCaps`). */
  reservation?: LeaseReservation,
) => Promise<GateVerdict>) & {
  readonly checksInternalDnc?: boolean;
  /**
   * Where the lead is, known before the gate reads anything (from its number and address): the
   * lease then reserves its frequency caps in the same round trip as the gate's reads, drops the
   * reservation if the gate does not allow the lead, and passes this back to the gate.
   */
  readonly locate?: (
    lead: Lead,
    /**
     * What the lead's dial job carries of the sync's parse of its phone (`DialJobData.parsedPhone`),
     * as stored: a gate uses it only when it describes `lead.phone` itself.
     */
    carried?: string,
  ) => LeadLocation;
  /**
   * Given a `reservation` (and `located`), the gate reserves the lead's frequency caps (telesync's
   * `LeaseCaps`, the lease's `caps`) in the same command as its reads and says how in `reserved`:
   * the lease then sends no reservation of its own.
   */
  readonly reservesCaps?: boolean;
};

/** `LeaseGate.locate`'s answer: the jurisdictions an "allow" will carry, and the number as parsed. */
export interface LeadLocation {
  readonly jurisdictions: readonly string[];
  /** The lead's number parsed and valid, so the decision does not parse it again. */
  readonly phone?: ParsedPhone;
  /** The whole location, when the gate resolved it (telesync's does): its decision does not again. */
  readonly location?: ResolvedLocation;
}

/** The internal do-not-call list's rule id in the gate's decisions. */
const internalDncRule = "dnc.internal";

/** The library's decision as the lease service takes it. */
export function toVerdict(decision: GateDecision): GateVerdict {
  switch (decision.decision) {
    case "allow":
      return {
        decision: "allow",
        notAfter: decision.notAfter,
        jurisdictions: decision.location.jurisdictions,
      };
    case "wait":
      return { decision: "wait", until: decision.until, reason: decision.reason, rule: decision.rule };
    case "block":
      return {
        decision: "block",
        reason: decision.reason,
        rule: decision.rule,
        ...(decision.rule.id === internalDncRule ? { suppressed: true } : {}),
      };
  }
}
