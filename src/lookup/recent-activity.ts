import type { AttemptLog } from "../compliance-gate/attempt-log.js";
import type { LastLeased } from "../queues/last-leased.js";
import type { OutcomeReceipts, ReceiptRecord, ReceiptState } from "../writeback/receipts.js";

/** One recent call on the number, as telesync knows it: what was reported and what became of it. */
export interface RecentOutcome {
  outcomeId: string;
  /** When telesync accepted the outcome (its clock). */
  at: string;
  /** The receipt's state (`accepted` … `written` / `dead-lettered`); absent once the receipt expired. */
  state?: ReceiptState;
  leadKey?: string;
  direction?: string;
  campaign?: string;
  disposition?: string;
  /** The CRM records the outcome created or updated, with their links, once written. */
  records?: ReceiptRecord[];
}

/** telesync's recent activity on a number: its last lease and its latest outcomes, newest first. */
export interface RecentActivity {
  lastLease?: { leadKey: string; at: string };
  outcomes: RecentOutcome[];
}

export interface RecentActivityDependencies {
  attempts: Pick<AttemptLog, "recent">;
  receipts: Pick<OutcomeReceipts, "read">;
  lastLeased: Pick<LastLeased, "lookup">;
  now: () => Date;
  /** Outcomes listed at most (newest first). */
  limit?: number;
}

/**
 * A screen pop's "what happened with this number lately", read from what telesync already keeps:
 * the attempt log (outcome ids per number, the frequency caps' data), each outcome's receipt, and
 * the number's last lease (inbound attribution's data). Nothing extra is written on the call path.
 */
export class RecentActivityReader {
  constructor(private readonly deps: RecentActivityDependencies) {}

  async of(e164: string): Promise<RecentActivity> {
    const [attempts, lastLease] = await Promise.all([
      this.deps.attempts.recent(e164, this.deps.now(), this.deps.limit ?? 10),
      this.deps.lastLeased.lookup(e164),
    ]);
    // Sent together on one connection: one round trip for all receipts.
    const receipts = await Promise.all(attempts.map((attempt) => this.deps.receipts.read(attempt.outcomeId)));
    const outcomes = attempts.map((attempt, i): RecentOutcome => {
      const receipt = receipts[i];
      const outcome: RecentOutcome = { outcomeId: attempt.outcomeId, at: attempt.at.toISOString() };
      if (!receipt) return outcome;
      // Who posted it and the CRM's error text stay on the receipt (its own, key-scoped endpoint).
      outcome.state = receipt.state;
      for (const field of ["leadKey", "direction", "campaign", "disposition"] as const) {
        const value = receipt[field];
        if (value !== undefined) outcome[field] = value;
      }
      if (receipt.records) outcome.records = receipt.records;
      return outcome;
    });
    return {
      ...(lastLease ? { lastLease: { leadKey: lastLease.leadKey, at: lastLease.at.toISOString() } } : {}),
      outcomes,
    };
  }
}
