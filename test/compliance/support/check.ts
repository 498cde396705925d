import { type GateDecision, type GateInput, gate } from "../../../src/compliance/index.js";
import { candidateZones, illegalBecause } from "./oracle.js";
import { oracleZones, uncoveredZones } from "./oracle-zones.js";

const HOUR = 3_600_000;
const stateCaps: Record<string, number> = { "US-FL": 3, "US-OK": 3, "US-MD": 3 };

/** Why `t` is over a frequency cap, per the attempts in the input, or undefined. */
function overCap(input: GateInput, d: GateDecision, t: number): string | undefined {
  const attempts = "attempts" in input.history && input.history.attempts ? input.history.attempts : [];
  const times = attempts.map((a) => a.getTime());
  const caps = [
    { max: input.campaign.frequencyCap.maxAttempts, window: input.campaign.frequencyCap.windowHours * HOUR },
    ...d.location.jurisdictions
      .filter((j) => stateCaps[j])
      .map((j) => ({ max: stateCaps[j] as number, window: 24 * HOUR })),
  ];
  for (const cap of caps) {
    const count = times.filter((a) => a > t - cap.window).length;
    if (count >= cap.max) return `cap ${count}/${cap.max}`;
  }
  return undefined;
}

/** Why calling at `t` would be illegal (hours, days, holidays, caps), or undefined. */
export function illegal(input: GateInput, d: GateDecision, t: number): string | undefined {
  return illegalBecause(d.location, input.campaign, t) ?? overCap(input, d, t);
}

export const stats = { allow: 0, wait: 0, block: 0, scans: 0, blockReasons: {} as Record<string, number> };

/** A cheap assertion (vitest's `expect` per check would dominate 100,000 runs); fast-check reports the input. */
function check(ok: boolean, message: () => string): void {
  if (!ok) throw new Error(message());
}

/**
 * The gate's contract, checked against the oracle: no `allow` outside any candidate's legal window;
 * `notAfter` is the first close; `wait.until` is the earliest allowed instant.
 */
export function checkDecision(input: GateInput, options: { scan?: boolean } = {}): void {
  const now = input.now.getTime();
  const d = gate(input);
  stats[d.decision]++;
  if (d.decision === "block") {
    const reason = d.reason.replace(/[:(].*$/, "");
    stats.blockReasons[reason] = (stats.blockReasons[reason] ?? 0) + 1;
  }
  const label = (what: string) => () =>
    `${what}: ${JSON.stringify(input.lead)} at ${input.now.toISOString()} → ${JSON.stringify({ ...d, location: d.location.zones })}`;
  const legal = (t: number, why: string | undefined, what: string) =>
    check(why === undefined, label(`${what} at ${new Date(t).toISOString()}: ${why}`));
  const refused = (t: number, why: string | undefined, what: string) =>
    check(why !== undefined, label(`${what} at ${new Date(t).toISOString()}`));
  if (d.decision !== "block") check(candidateZones(d.location).length > 0, label("decided without a zone"));
  const missed = uncoveredZones(oracleZones(input.lead), d.location.zones);
  check(missed.length === 0, label(`gate candidates miss ${missed.join(", ")}`));
  if (d.decision === "allow") {
    const notAfter = d.notAfter.getTime();
    legal(now, illegal(input, d, now), "allowed outside a legal window");
    check(notAfter > now, label("notAfter not after now"));
    const mid = Math.floor((now + notAfter) / 2);
    legal(mid, illegalBecause(d.location, input.campaign, mid), "illegal before notAfter");
    legal(notAfter - 1, illegalBecause(d.location, input.campaign, notAfter - 1), "illegal before notAfter");
    refused(notAfter, illegalBecause(d.location, input.campaign, notAfter), "notAfter is not a window close");
  } else if (d.decision === "wait") {
    const until = d.until.getTime();
    check(until > now, label("until not after now"));
    legal(until, illegal(input, d, until), "until is not legal");
    refused(until - 1, illegal(input, d, until - 1), "the instant before until is legal");
    check(gate({ ...input, now: d.until }).decision === "allow", label("the gate does not allow at until"));
    if (until - 60_000 >= now) {
      const before = gate({ ...input, now: new Date(until - 60_000) });
      check(before.decision !== "allow", label("the gate allows a minute before until"));
    }
    if (options.scan) {
      stats.scans++;
      for (let t = now; t < until; t += 60_000) refused(t, illegal(input, d, t), "legal before until");
    }
  } else if (options.scan && d.reason.startsWith("no permitted calling time")) {
    stats.scans++;
    for (let t = now; t < now + 14 * 24 * HOUR; t += 15 * 60_000)
      refused(t, illegal(input, d, t), "legal but blocked");
  }
}
