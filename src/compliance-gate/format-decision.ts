import type { Evidence, GateDecision, RuleRef, RuleRefusal } from "../compliance/index.js";

const rule = (ref: RuleRef) => `${ref.id} ${ref.version}`;

function where(evidence: Evidence): string {
  const parts = [evidence.zone, evidence.localTime].filter(Boolean).join(" ");
  return parts ? ` [${parts}]` : "";
}

/** Every refusing rule after the first, one indented line each, with when it alone allows. */
function others(refusals: readonly RuleRefusal[] | undefined): string {
  if (!refusals || refusals.length < 2) return "";
  return refusals
    .map(
      (r) =>
        `\n    refuses: ${r.reason} (${r.jurisdiction}${r.zone ? `, ${r.zone} ${r.localTime ?? ""}` : ""}) → allows ${r.allowsAt?.toISOString() ?? "not within the horizon"}`,
    )
    .join("");
}

/**
 * One line per gate decision (plus one per refusing rule when several refuse), as `telesync sync --dry-run` prints it:
 * `allow until <notAfter>`, `wait until <t> (<rule>): <reason>`, `block (<rule>): <reason>`.
 */
export function formatDecision(decision: GateDecision): string {
  switch (decision.decision) {
    case "allow":
      return `allow until ${decision.notAfter.toISOString()} (${rule(decision.rule)})${where(decision.evidence)}`;
    case "wait":
      return `wait until ${decision.until.toISOString()} (${rule(decision.rule)}): ${decision.reason}${where(decision.evidence)}${others(decision.refusals)}`;
    case "block":
      return `block (${rule(decision.rule)}): ${decision.reason}${where(decision.evidence)}${others(decision.refusals)}`;
  }
}
