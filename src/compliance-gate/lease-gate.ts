import type { GateDecision, RuleRef } from "../compliance/index.js";
import type { Lead } from "../model/lead.js";

/** What the lease-time gate says about a lead now: call, wait until a time, or never. */
export type GateVerdict =
  /** `jurisdictions`: where the lead resolved (its frequency caps apply; absent from a custom gate). */
  | { decision: "allow"; notAfter?: Date; jurisdictions?: readonly string[] }
  | { decision: "wait"; until: Date; reason: string; rule?: RuleRef }
  | { decision: "block"; reason: string; rule?: RuleRef };

/**
 * The gate a lease asks before handing a lead out. telesync's is `ComplianceGate.leaseGate`; a
 * library user may pass their own to `TelesyncService.start({ gate })`.
 */
export type LeaseGate = (lead: Lead, campaign: string, now: Date) => Promise<GateVerdict>;

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
      return { decision: "block", reason: decision.reason, rule: decision.rule };
  }
}
