import type { RuleRef } from "../compliance/index.js";
import type { Redis } from "../queues/connection.js";
import { delayedScores, dialDelayedKey, parseDueRange } from "../queues/due-index.js";
import { redisKeys } from "../queues/keys.js";
import type { DecisionLog } from "./decision-log.js";

/** When a campaign's next held lead becomes callable, and which rule held it until then. */
export interface NextCallable {
  /** Earliest release time among the campaign's held leads, on telesync's clock. */
  at: Date;
  /** The lead released then (its dial job id is its lead key). */
  leadKey: string;
  /** The gate rule that held it (e.g. `hours.US`), or `schedule` for a retry, callback or cap. */
  rule: RuleRef;
  reason: string;
  /** The zone whose local time decided, for calling-hours holds. */
  zone?: string;
  /** Held leads in the campaign, all of them waiting for a time. */
  held: number;
}

export interface NextCallableDependencies {
  redis: Redis;
  prefix: string;
  decisions: Pick<DecisionLog, "read">;
}

/** A hold the gate did not log: the outcome policy's retry or callback time, or a frequency cap's. */
const scheduled: Pick<NextCallable, "rule" | "reason"> = {
  rule: { id: "schedule", version: "campaign-policy" },
  reason: "held by the campaign's retry or callback schedule or a frequency cap",
};

/** Due entries read at most to find the next held lead (a range's jobs may all have gone). */
const lookAhead = 10;

/** A decision's `until` and the due index may differ by the rounding of a delay (ms). */
const sameInstantMs = 1_000;

/**
 * The "nothing now" answer of a lease: a read of the campaign's due index (the sorted set of held
 * dial jobs by release time on telesync's clock, written by `DueIndex`) and of the held lead's
 * newest decision. Read-only, so it never races the lease loop; a hint, not a promise: the gate
 * decides again when the lead is due.
 */
export class NextCallableQuery {
  constructor(private readonly deps: NextCallableDependencies) {}

  /** The due index key, as `DueIndex` writes it. */
  private dueKey(campaign: string): string {
    return redisKeys(this.deps.prefix).dueIndex(campaign);
  }

  async next(campaign: string, now: Date): Promise<NextCallable | undefined> {
    const key = this.dueKey(campaign);
    const delayed = dialDelayedKey(this.deps.prefix, campaign);
    const [entries, held] = await Promise.all([
      // Strictly after now: entries already due are being promoted by the lease that just ran.
      this.deps.redis.zrangebyscore(key, `(${now.getTime()}`, "+inf", "WITHSCORES", "LIMIT", 0, lookAhead),
      // Held: delayed and not released (a release moves jobs to wait; one released by an older
      // version waits at score 0 for BullMQ).
      this.deps.redis.zcount(delayed, 1, "+inf"),
    ]);
    let leadKey: string | undefined;
    let score: string | undefined;
    for (let i = 0; i + 1 < entries.length && leadKey === undefined; i += 2) {
      const member = entries[i] as string;
      score = entries[i + 1];
      const range = parseDueRange(member);
      if (!range) leadKey = member;
      else {
        // A sync's range entry: its first job still delayed (none left: the next entry).
        const [min, max] = delayedScores(range);
        [leadKey] = await this.deps.redis.zrangebyscore(delayed, min, max, "LIMIT", 0, 1);
      }
    }
    if (leadKey === undefined || score === undefined) return undefined;
    const at = new Date(Number(score));
    const [latest] = await this.deps.decisions.read(leadKey, 1);
    const until = latest?.decision === "wait" && latest.until ? Date.parse(latest.until) : Number.NaN;
    const byGate = latest !== undefined && Math.abs(until - at.getTime()) <= sameInstantMs;
    return {
      at,
      leadKey,
      ...(byGate ? { rule: latest.rule, reason: latest.reason } : scheduled),
      ...(byGate && latest.evidence.zone ? { zone: latest.evidence.zone } : {}),
      held,
    };
  }
}
