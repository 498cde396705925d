import type { Redis } from "./connection.js";
import { redisKeys } from "./keys.js";
import { queueNames } from "./names.js";

/** A campaign queue's BullMQ delayed set (`Queue#toKey("delayed")`), for readers without the queue. */
export function dialDelayedKey(prefix: string, campaign: string): string {
  return `${redisKeys(prefix).dialQueuePrefix(campaign)}:${queueNames.dial(campaign)}:delayed`;
}

/**
 * How much later than telesync's own release BullMQ's real-time promotion of a held job is set to
 * (ms). BullMQ promotes due delayed jobs inside `moveToActive`, i.e. inside a lease, up to 1,000 in
 * one script call (~5 ms of Redis for 1,000 on a busy 2-core machine, every lease waiting behind it):
 * so holds are given to BullMQ this much later than they fall due, and telesync's release, in bounded
 * chunks, moves them first. BullMQ's own promotion remains as the fallback (a hold whose due entry
 * was lost, a release timer that stopped).
 */
export const bullmqFallbackMs = 60_000;

/**
 * Release due holds of one campaign, at most ARGV[2] jobs per call. KEYS[1]: the due index, then
 * the campaign queue's BullMQ keys (one campaign: one hash tag): delayed, wait, prioritized, pc
 * (priority counter), events, marker, meta, active. ARGV: now (telesync clock, ms), limit, the job
 * key prefix (`Queue#toKey("")`), events kept.
 *
 * Each due entry, earliest first, is taken out of the index and its jobs still delayed are moved to
 * wait as BullMQ's own promotion does (`promoteDelayedJobs`: LPUSH, or the prioritized set for a job
 * with a priority; a `waiting` event; `delay` 0; the marker that wakes workers), in due order, so
 * leases take them earliest due first. An entry is a job id (one job), or a range
 * `:<from>:<to>:<until>` (a sync chunk's holds with one `until`): every job BullMQ delays to a
 * real-time ms in [from, to], found by the delayed set's score (BullMQ's `(timestamp + delay) ×
 * 0x1000 + n`, n < 0x1000). A job no longer delayed (promoted, leased, finished, removed) is
 * skipped; a job is moved only when this call takes it out of the delayed set, so two processes
 * racing move each job once (and overlapping ranges move it once). A range with more jobs than the
 * budget keeps its entry and the call answers `limit` entries taken: call again. Returns {due
 * entries taken, jobs moved to wait}.
 *
 * BullMQ is pinned exactly (package.json) because of this copy; test/queues/bullmq-promotion-copy
 * fails when the BullMQ scripts it mirrors change.
 */
const releaseScript = `
local limit = tonumber(ARGV[2])
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, limit)
if #due == 0 then return {0, 0} end
local meta = redis.call('HMGET', KEYS[8], 'paused', 'concurrency')
local held = meta[1] ~= false or (meta[2] ~= false and redis.call('LLEN', KEYS[9]) >= tonumber(meta[2]))
local moved = 0
local function promote(job)
  if redis.call('ZREM', KEYS[2], job) == 0 then return end
  local jobKey = ARGV[3] .. job
  local priority = tonumber(redis.call('HGET', jobKey, 'priority')) or 0
  if priority == 0 then
    redis.call('LPUSH', KEYS[3], job)
  else
    redis.call('ZADD', KEYS[4], priority * 0x100000000 + redis.call('INCR', KEYS[5]) % 0x100000000, job)
  end
  redis.call('XADD', KEYS[6], 'MAXLEN', '~', ARGV[4], '*', 'event', 'waiting', 'jobId', job, 'prev', 'delayed')
  redis.call('HSET', jobKey, 'delay', 0)
  moved = moved + 1
end
local budget = limit
local taken = 0
for _, id in ipairs(due) do
  if budget <= 0 then break end
  local from, to = string.match(id, '^:(%d+):(%d+):')
  if from then
    local jobs = redis.call('ZRANGEBYSCORE', KEYS[2], tonumber(from) * 4096, (tonumber(to) + 1) * 4096 - 1, 'LIMIT', 0, budget)
    for _, job in ipairs(jobs) do promote(job) end
    budget = budget - #jobs
    if budget > 0 then
      redis.call('ZREM', KEYS[1], id)
      taken = taken + 1
    end
  else
    redis.call('ZREM', KEYS[1], id)
    taken = taken + 1
    if redis.call('ZSCORE', KEYS[2], id) then
      promote(id)
      budget = budget - 1
    end
  end
end
if moved > 0 and not held then redis.call('ZADD', KEYS[7], 0, '0') end
if budget <= 0 then return {limit, moved} end
return {taken, moved}
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

/** The BullMQ keys of a queue by type (`Queue#toKey`). */
export type QueueKey = (type: string) => string;

/** The queue's keys the release script writes, in its KEYS order after the due index. */
const releaseKeys = ["delayed", "wait", "prioritized", "pc", "events", "marker", "meta", "active"];

interface DueCommands {
  telesyncPromoteDue(...args: Array<string | number>): Promise<[number, number]>;
}

/**
 * When each held (delayed) dial job of one campaign is due, on telesync's clock.
 *
 * BullMQ promotes a delayed job by real time. telesync decides times on its own clock
 * (`TelesyncOptions.now`), which is the system clock in production and a driven clock in tests
 * and simulations. So every hold is written twice: to BullMQ as a real-time delay of `until − now()`
 * plus `bullmqFallbackMs` (its own promotion is only the fallback), and here as `until` on
 * telesync's clock. `release` (run by the lease service's timer per campaign and when a lease finds
 * the queue empty, in bounded chunks) moves the jobs due here to the wait list. The lease-time gate
 * checks every lead again anyway, so a job released early is only held again, never called early.
 */
export class DueIndex {
  readonly key: string;
  private readonly redis: Redis & DueCommands;

  constructor(redis: Redis, prefix: string, campaign: string) {
    this.key = redisKeys(prefix).dueIndex(campaign);
    if (!("telesyncPromoteDue" in redis))
      redis.defineCommand("telesyncPromoteDue", { numberOfKeys: 1 + releaseKeys.length, lua: releaseScript });
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
   * Move holds due at `now` (telesync clock, epoch ms) of the queue whose keys `key` names to its
   * wait list, earliest due first, at most `limit` entries and `limit` jobs in one script call: how
   * many entries were taken (`limit` when the job budget ran out: call again) and how many jobs
   * were moved. `eventsKept`: the queue's event stream length (`XADD … MAXLEN ~`).
   */
  async release(
    key: QueueKey,
    now: number,
    limit: number,
    eventsKept: number,
  ): Promise<{ due: number; released: number }> {
    const [due, released] = await this.redis.telesyncPromoteDue(
      this.key,
      ...releaseKeys.map(key),
      now,
      limit,
      key(""),
      eventsKept,
    );
    return { due, released };
  }

  /** When each job is due on telesync's clock (epoch ms), as held here; undefined when not held here. */
  async dueTimes(jobIds: readonly string[]): Promise<Array<number | undefined>> {
    if (jobIds.length === 0) return [];
    const scores = await this.redis.zmscore(this.key, ...jobIds);
    return scores.map((score) => (score === null ? undefined : Number(score)));
  }

  async forget(jobIds: readonly string[]): Promise<void> {
    if (jobIds.length > 0) await this.redis.zrem(this.key, ...jobIds);
  }
}
