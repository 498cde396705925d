import type { Redis } from "./connection.js";
import { redisKeys } from "./keys.js";
import { queueNames } from "./names.js";

/** A campaign queue's BullMQ delayed set (`Queue#toKey("delayed")`), for readers without the queue. */
export function dialDelayedKey(prefix: string, campaign: string): string {
  return `${redisKeys(prefix).dialQueuePrefix(campaign)}:${queueNames.dial(campaign)}:delayed`;
}

/**
 * Release due holds of one campaign in one step. KEYS[1]: the due index, KEYS[2]: the campaign
 * queue's BullMQ delayed set (one campaign: one hash tag). ARGV: now (telesync clock, ms), limit.
 * Each due entry is taken out of the index, and its jobs, if still delayed, are made due for BullMQ
 * (score 0): the queue's next `moveToActive` (BullMQ's own script, up to 1000 at a time) promotes
 * them. An entry is a job id (one job), or a range `:<from>:<to>:<until>` (a sync chunk's holds with
 * one `until`): every job BullMQ delays to a real-time ms in [from, to], found by the delayed set's
 * score (BullMQ's `(timestamp + delay) × 0x1000 + n`, n < 0x1000). A job no longer delayed
 * (promoted by BullMQ on real time, leased, finished, removed, released) is skipped. Atomic, so two
 * processes racing release each entry once. At most `limit` jobs per call, so one call never holds
 * Redis for long: a range with more jobs keeps its entry (its released jobs left the range's scores)
 * and the call answers `limit` entries taken, which tells the caller to call again. Returns
 * {due entries taken, jobs released}.
 */
const releaseScript = `
local limit = tonumber(ARGV[2])
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, limit)
if #due == 0 then return {0, 0} end
local budget = limit
local taken = 0
local released = 0
for _, id in ipairs(due) do
  if budget <= 0 then break end
  local from, to = string.match(id, '^:(%d+):(%d+):')
  if from then
    local jobs = redis.call('ZRANGEBYSCORE', KEYS[2], tonumber(from) * 4096, (tonumber(to) + 1) * 4096 - 1, 'LIMIT', 0, budget)
    for _, job in ipairs(jobs) do
      redis.call('ZADD', KEYS[2], 'XX', 0, job)
    end
    released = released + #jobs
    budget = budget - #jobs
    if budget > 0 then
      redis.call('ZREM', KEYS[1], id)
      taken = taken + 1
    end
  else
    redis.call('ZREM', KEYS[1], id)
    taken = taken + 1
    if redis.call('ZSCORE', KEYS[2], id) then
      redis.call('ZADD', KEYS[2], 'XX', 0, id)
      released = released + 1
      budget = budget - 1
    end
  end
end
if budget <= 0 then return {limit, released} end
return {taken, released}
`;

/** A due-index range entry: `:<from>:<to>:<until>` (job ids never hold `:`). */
export function dueRange(from: number, to: number, until: number): string {
  return `:${from}:${to}:${until}`;
}

/** The real-time ms bounds of a range entry, or undefined for a job id. */
export function parseDueRange(member: string): { from: number; to: number } | undefined {
  const match = /^:(\d+):(\d+):/.exec(member);
  return match ? { from: Number(match[1]), to: Number(match[2]) } : undefined;
}

/** BullMQ's delayed-set score bounds of the jobs due at real-time ms `from` to `to`. */
export function delayedScores(range: { from: number; to: number }): [number, number] {
  return [range.from * 0x1000, (range.to + 1) * 0x1000 - 1];
}

interface DueCommands {
  telesyncReleaseDue(
    dueKey: string,
    delayedKey: string,
    now: number,
    limit: number,
  ): Promise<[number, number]>;
}

/**
 * When each held (delayed) dial job of one campaign is due, on telesync's clock.
 *
 * BullMQ promotes a delayed job by real time. telesync decides times on its own clock
 * (`TelesyncOptions.now`), which is the system clock in production and a driven clock in tests
 * and simulations. So every hold is written twice: to BullMQ as a real-time delay of `until − now()`
 * (in production: exactly `until`), and here as `until` on telesync's clock. `release` (one script
 * call, run by the lease service's timer per campaign and when a lease finds the queue empty) makes
 * the jobs due here due for BullMQ too: with the system clock BullMQ has already promoted them (the
 * entry is only dropped); with a driven clock this is what releases them. The lease-time gate checks
 * every lead again anyway, so a job released early is only held again, never called early.
 */
export class DueIndex {
  readonly key: string;
  private readonly redis: Redis & DueCommands;

  constructor(redis: Redis, prefix: string, campaign: string) {
    this.key = redisKeys(prefix).dueIndex(campaign);
    if (!("telesyncReleaseDue" in redis))
      redis.defineCommand("telesyncReleaseDue", { numberOfKeys: 2, lua: releaseScript });
    this.redis = redis as Redis & DueCommands;
  }

  /** Record (or move) the due time of held jobs, in one round trip. */
  async hold(entries: ReadonlyArray<{ jobId: string; until: number }>): Promise<void> {
    if (entries.length === 0) return;
    await this.redis.zadd(this.key, ...entries.flatMap(({ jobId, until }) => [until, jobId]));
  }

  /**
   * Record that the jobs BullMQ delays to real-time ms `from`…`to` are due at `until` (telesync
   * clock): one entry per group, in one round trip. A job of another hold due in the same
   * real-time window is released with them: early, which the lease-time gate answers by holding it
   * again, never by calling it early.
   */
  async holdRanges(groups: ReadonlyArray<{ from: number; to: number; until: number }>): Promise<void> {
    if (groups.length === 0) return;
    await this.redis.zadd(
      this.key,
      ...groups.flatMap(({ from, to, until }) => [until, dueRange(from, to, until)]),
    );
  }

  /**
   * Release holds due at `now` (telesync clock, epoch ms) whose jobs are in `delayedKey`, oldest
   * first, at most `limit` entries and `limit` jobs: how many entries were taken (`limit` when the
   * job budget ran out: call again) and how many jobs that made due.
   */
  async release(delayedKey: string, now: number, limit: number): Promise<{ due: number; released: number }> {
    const [due, released] = await this.redis.telesyncReleaseDue(this.key, delayedKey, now, limit);
    return { due, released };
  }

  async forget(jobIds: readonly string[]): Promise<void> {
    if (jobIds.length > 0) await this.redis.zrem(this.key, ...jobIds);
  }
}
