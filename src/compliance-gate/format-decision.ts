import type { Evidence, GateDecision, RuleRef } from "../compliance/index.js";

const rule = (ref: RuleRef) => `${ref.id} ${ref.version}`;

function where(evidence: Evidence): string {
  const parts = [evidence.zone, evidence.localTime].filter(Boolean).join(" ");
  return parts ? ` [${parts}]` : "";
}

/**
 * One line per gate decision, as `telesync sync --dry-run` prints it:
 * `allow until <notAfter>`, `wait until <t> (<rule>): <reason>`, `block (<rule>): <reason>`.
 */
export function formatDecision(decision: GateDecision): string {
  switch (decision.decision) {
    case "allow":
      return `allow until ${decision.notAfter.toISOString()} (${rule(decision.rule)})${where(decision.evidence)}`;
    case "wait":
      return `wait until ${decision.until.toISOString()} (${rule(decision.rule)}): ${decision.reason}${where(decision.evidence)}`;
    case "block":
      return `block (${rule(decision.rule)}): ${decision.reason}${where(decision.evidence)}`;
  }
}
