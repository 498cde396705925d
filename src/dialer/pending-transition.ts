import type { Job } from "bullmq";
import type { ConsentService } from "../consent/consent-service.js";
import type { Redis } from "../queues/connection.js";
import type { DialJobData } from "../queues/dial-queue.js";
import type { DialQueueRegistry } from "../queues/dial-queue-registry.js";
import { redisKeys } from "../queues/keys.js";
import type { NextStep } from "./outcome-policy.js";

/**
 * The move an accepted outcome decided for its lead, written in the outcome's acceptance step (the
 * ledger's Lua, see `OutcomeLedger.accept`), so it outlives the process and the lease that took it.
 */
export interface PendingTransition {
  outcomeId: string;
  disposition: string;
  /**
   * The dial job's creation time: a job removed (the lead left its source) and queued afresh since
   * is a new round for the lead, which this move no longer concerns.
   */
  jobTimestamp: number;
  step:
    | { action: "done" }
    | { action: "suppress" }
    | { action: "retry" | "callback"; at: number; attempts: number };
}

export function pendingTransition(
  outcomeId: string,
  disposition: string,
  job: Pick<Job, "timestamp">,
  step: NextStep,
): PendingTransition {
  return {
    outcomeId,
    disposition,
    jobTimestamp: job.timestamp,
    step:
      step.action === "retry" || step.action === "callback"
        ? { action: step.action, at: step.at.getTime(), attempts: step.attempts }
        : { action: step.action },
  };
}

/**
 * Delete each key only while it still holds its outcome's move (a newer outcome may own it); and
 * set each other key given (existing only, its TTL kept): the outcome ledger's notes that the
 * writeback job is queued, which ride along where they share the slot (`OutcomeLedger.queuedMark`).
 * ARGV[1]: n, the number of moves; KEYS[1..n]: move keys (one campaign: one slot), ARGV[2..n+1]:
 * their outcomeIds; KEYS[n+1..]: keys to set, ARGV[n+2..]: their values, in the same order.
 */
const clearScript = `
local n = tonumber(ARGV[1])
local cleared = 0
for i = 1, n do
  local stored = redis.call('GET', KEYS[i])
  if stored and cjson.decode(stored).outcomeId == ARGV[i + 1] then cleared = cleared + redis.call('DEL', KEYS[i]) end
end
for i = n + 1, #KEYS do redis.call('SET', KEYS[i], ARGV[i + 1], 'XX', 'KEEPTTL') end
return cleared
`;

/** A key to set beside a clear (same slot), e.g. the outcome ledger's queued note. */
export interface RideAlong {
  key: string;
  value: string;
}

/** Clears asked in one turn of the event loop, per campaign, and their callers. */
interface ClearBatch {
  keys: string[];
  outcomeIds: string[];
  sets: RideAlong[];
  waiting: Array<{ resolve: () => void; reject: (error: unknown) => void }>;
}

export interface LeadTransitionsDependencies {
  redis: Redis;
  prefix: string;
  dialQueues: Pick<DialQueueRegistry, "get">;
  /** A `suppress` move puts the number on the internal do-not-call list (idempotent). */
  consent: Pick<ConsentService, "apply">;
  /** telesync's clock: whether a retry's hold is still running. */
  now: () => Date;
}

/**
 * A lead's move after its outcome (done, suppressed, held for a retry or callback), applied exactly
 * once although three parties may try: the outcome request itself, its retry, and, when both came
 * too late (the process died and the lease's lock expired, so no token can move the job any more),
 * the next lease of the lead, which takes the job with a fresh token and applies the move first.
 * Key: `<prefix>:outcome-pending:<campaign>:<jobId>` (30 days, like the outcome's seen key),
 * deleted once the move is applied.
 *
 * Applying twice is harmless, which is what makes a crash between applying and deleting safe: a done
 * or suppressed lead is never leased again; a retry's data update sets `attempts` to the value the
 * outcome decided (not +1), and its hold is to the same instant.
 */
interface TransitionCommands {
  telesyncClearTransitions(...args: string[]): Promise<number>;
}

export class LeadTransitions {
  private readonly redis: Redis & TransitionCommands;
  private readonly clears = new Map<string, ClearBatch>();

  constructor(private readonly deps: LeadTransitionsDependencies) {
    // Loaded once per connection (EVALSHA): every outcome clears its move.
    if (!("telesyncClearTransitions" in deps.redis))
      deps.redis.defineCommand("telesyncClearTransitions", { lua: clearScript });
    this.redis = deps.redis as Redis & TransitionCommands;
  }

  key(campaign: string, jobId: string): string {
    return redisKeys(this.deps.prefix).outcomePending(campaign, jobId);
  }

  async get(campaign: string, jobId: string): Promise<PendingTransition | undefined> {
    const stored = await this.deps.redis.get(this.key(campaign, jobId));
    return stored === null ? undefined : (JSON.parse(stored) as PendingTransition);
  }

  /**
   * Forget the move once applied. The clears asked in one turn of the event loop go in one script
   * call per campaign (with outcomes coming as fast as leases, one command per outcome was a cost
   * of its own); the promise settles with that call. `also`: a key of the campaign's slot to set in
   * the same call (see `clearScript`).
   */
  clear(campaign: string, jobId: string, outcomeId: string, also?: RideAlong): Promise<void> {
    let batch = this.clears.get(campaign);
    if (!batch) {
      batch = { keys: [], outcomeIds: [], sets: [], waiting: [] };
      this.clears.set(campaign, batch);
      if (this.clears.size === 1) setImmediate(() => this.flushClears());
    }
    batch.keys.push(this.key(campaign, jobId));
    batch.outcomeIds.push(outcomeId);
    if (also) batch.sets.push(also);
    const { waiting } = batch;
    return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  }

  private flushClears(): void {
    const batches = [...this.clears.values()];
    this.clears.clear();
    for (const { keys, outcomeIds, sets, waiting } of batches) {
      const args = [String(keys.length + sets.length), ...keys];
      for (const set of sets) args.push(set.key);
      args.push(String(keys.length), ...outcomeIds);
      for (const set of sets) args.push(set.value);
      this.redis.telesyncClearTransitions(...args).then(
        () => {
          for (const w of waiting) w.resolve();
        },
        (error: unknown) => {
          for (const w of waiting) w.reject(error);
        },
      );
    }
  }

  /** Move the leased job (held under `token`) as the outcome decided. */
  async apply(
    campaign: string,
    job: Job<DialJobData>,
    token: string,
    { step, disposition }: PendingTransition,
  ): Promise<void> {
    switch (step.action) {
      case "done":
        await job.moveToCompleted({ outcome: disposition }, token, false);
        break;
      case "suppress":
        // The outcome's own activity carries DoNotCall to the CRM; here: stop every other queue calling.
        await this.deps.consent.apply(
          { phone: job.data.lead.phone, status: "opted_out", source: "agent" },
          { writeToCrm: false },
        );
        await job.moveToCompleted({ outcome: disposition, suppressed: true }, token, false);
        break;
      case "retry":
      case "callback":
        if (job.data.attempts !== step.attempts)
          await job.updateData({ ...job.data, attempts: step.attempts });
        await this.deps.dialQueues.get(campaign).holdLeased(job, new Date(step.at), token);
        break;
    }
  }

  /**
   * A job just taken under `token` (a lease, a release): apply an outcome's move still pending for
   * it. True when it did (the job is no longer the caller's); false when there was none, or it had
   * been applied (a retry's hold that ran its course) and is now only forgotten.
   */
  async settle(campaign: string, job: Job<DialJobData>, token: string): Promise<boolean> {
    if (!job.id) return false;
    const pending = await this.get(campaign, job.id);
    if (!pending) return false;
    const { step } = pending;
    const stale = pending.jobTimestamp !== job.timestamp;
    const heldAndDue =
      (step.action === "retry" || step.action === "callback") &&
      job.data.attempts === step.attempts &&
      this.deps.now().getTime() >= step.at;
    if (!stale && !heldAndDue) await this.apply(campaign, job, token, pending);
    await this.clear(campaign, job.id, pending.outcomeId);
    return !stale && !heldAndDue;
  }
}
