import type { Redis } from "../queues/connection.js";
import { acquireFencedLock, type LockAttempt } from "../queues/fenced-lock.js";
import { redisKeys } from "../queues/keys.js";

/** One finished (or failed) sync run, kept for operators (`telesync status`, API). */
export interface SyncRunRecord {
  runId: string;
  sourceId: string;
  full: boolean;
  startedAt: string;
  finishedAt: string;
  /**
   * `interrupted`: the run stopped without finishing (its process was killed, or lost Redis) and was
   * found so by the next run, which resumed from its checkpoint (`resumedBy`).
   */
  outcome: "completed" | "failed" | "aborted" | "interrupted";
  error?: string;
  /** The interrupted run this one resumed from its checkpoint. */
  resumedFrom?: string;
  /** For an interrupted run: the run that resumed it. */
  resumedBy?: string;
  pages: number;
  records: number;
  added: number;
  updated: number;
  unchanged: number;
  finished: number;
  removed: number;
  skipped: number;
  suppressed: number;
  /**
   * Leads the compliance gate said to wait for: a new one is queued as a delayed job until its
   * calling window opens; one already queued stays as it is and is checked again when leased.
   */
  held: number;
  /** Leads the compliance gate blocked: not queued (taken out if they were). */
  blocked: number;
}

const historyLength = 100;

/** Thrown when a newer run holds the source's fence: this run's writes would be stale. */
export class SyncLockLostError extends Error {
  override readonly name = "SyncLockLostError";
}

/**
 * Membership changes, cursor and run progress of one page, written only by the fence holder.
 * KEYS: fence, members, cursor, current-run, [seen set]. ARGV: fence, cursor, progress, n joined,
 * then n (ref, lead key) pairs, then the refs that left.
 */
const CHECKPOINT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local n = tonumber(ARGV[4])
local first, last = 5, 4 + 2 * n
local i = first
while i <= last do
  local stop = math.min(i + 399, last)
  redis.call('HSET', KEYS[2], unpack(ARGV, i, stop))
  if KEYS[5] then
    for j = i, stop, 2 do redis.call('SADD', KEYS[5], ARGV[j]) end
  end
  i = stop + 1
end
for j = last + 1, #ARGV do redis.call('HDEL', KEYS[2], ARGV[j]) end
redis.call('SET', KEYS[3], ARGV[2])
if ARGV[3] ~= '' then redis.call('SET', KEYS[4], ARGV[3]) end
return 1
`;

/** Record a finished run; clear the in-progress marker if it is still this run's. */
const FINISH = `
redis.call('LPUSH', KEYS[1], ARGV[2])
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[3]) - 1)
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[3]) end
return 0
`;

/** Per-source state in Redis: cursor checkpoint, membership (ref → lead key), run lock, history. */
export class SyncState {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    readonly sourceId: string,
  ) {}

  private key(part: string): string {
    return redisKeys(this.prefix).source(this.sourceId, part);
  }

  async readCursor(): Promise<unknown> {
    const raw = await this.redis.get(this.key("cursor"));
    return raw === null ? undefined : JSON.parse(raw);
  }

  async clearCursor(): Promise<void> {
    await this.redis.del(this.key("cursor"));
  }

  /**
   * Record the page's membership changes, its cursor and the run's progress together, so a crash
   * resumes after the page. Only the holder of `fence` may: a stale run gets `SyncLockLostError`.
   */
  async checkpoint(
    fence: number,
    cursor: unknown,
    joined: Map<string, string>,
    leftRefs: string[],
    seenSetKey?: string,
    progress?: SyncRunRecord,
  ): Promise<void> {
    const keys = [this.key("fence"), this.key("members"), this.key("cursor"), this.key("current")];
    if (seenSetKey) keys.push(seenSetKey);
    const written = await this.redis.eval(
      CHECKPOINT,
      keys.length,
      ...keys,
      String(fence),
      JSON.stringify(cursor),
      progress ? JSON.stringify(progress) : "",
      String(joined.size),
      ...[...joined].flat(),
      ...leftRefs,
    );
    if (written !== 1) {
      throw new SyncLockLostError(
        `source "${this.sourceId}": a newer run took over its lock; this run stops`,
      );
    }
  }

  /** Record membership changes without moving the cursor (a few records re-read between pulls). */
  async updateMembers(joined: Map<string, string>, leftRefs: string[]): Promise<void> {
    if (joined.size === 0 && leftRefs.length === 0) return;
    const tx = this.redis.multi();
    if (joined.size > 0) tx.hset(this.key("members"), joined);
    if (leftRefs.length > 0) tx.hdel(this.key("members"), ...leftRefs);
    await tx.exec();
  }

  /** Lead keys currently in the source for these refs (unknown refs are left out). */
  async leadKeysFor(refs: string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    if (refs.length === 0) return found;
    const keys = await this.redis.hmget(this.key("members"), ...refs);
    refs.forEach((ref, i) => {
      const key = keys[i];
      if (key) found.set(ref, key);
    });
    return found;
  }

  async memberCount(): Promise<number> {
    return this.redis.hlen(this.key("members"));
  }

  /** For a full sync: a set of refs seen in this run; members not in it have left the source. */
  seenSetKey(runId: string): string {
    return this.key(`seen:${runId}`);
  }

  /** Refs in the membership hash that a full run did not see, streamed in chunks. */
  async *unseenRefs(seenKey: string, chunk = 1_000): AsyncGenerator<string[]> {
    let cursor = "0";
    do {
      const [next, entries] = await this.redis.hscan(this.key("members"), cursor, "COUNT", chunk);
      cursor = next;
      const refs = entries.filter((_v, i) => i % 2 === 0);
      if (refs.length === 0) continue;
      const pipeline = this.redis.pipeline();
      for (const ref of refs) pipeline.sismember(seenKey, ref);
      const seen = (await pipeline.exec()) ?? [];
      const unseen = refs.filter((_ref, i) => seen[i]?.[1] !== 1);
      if (unseen.length > 0) yield unseen;
    } while (cursor !== "0");
  }

  /** Add refs to a run's seen set (a membership reconcile's ids); it expires in a day if left. */
  async markSeen(seenKey: string, refs: readonly string[]): Promise<void> {
    if (refs.length === 0) return;
    await this.redis
      .pipeline()
      .sadd(seenKey, ...refs)
      .expire(seenKey, 86_400)
      .exec();
  }

  async dropKey(key: string): Promise<void> {
    await this.redis.del(key);
  }

  /**
   * One sync of a source at a time, across processes, with a fence (see `FencedLock`). The lock lives
   * `ttlMs` unless renewed, so a crashed holder's lapses by itself.
   */
  acquireLock(ttlMs = 15_000): Promise<LockAttempt> {
    return acquireFencedLock(this.redis, { lock: this.key("lock"), fence: this.key("fence") }, ttlMs);
  }

  /**
   * Mark `run` as in progress (its progress follows with each checkpoint). A marker left by an
   * earlier run means that run never finished: it goes into the history as interrupted, and its id
   * is returned so this run can say it resumed it.
   */
  async beginRun(run: SyncRunRecord, detectedAt: string): Promise<string | undefined> {
    const raw = await this.redis.get(this.key("current"));
    const tx = this.redis.multi();
    let interrupted: SyncRunRecord | undefined;
    if (raw !== null) {
      interrupted = {
        ...(JSON.parse(raw) as SyncRunRecord),
        outcome: "interrupted",
        finishedAt: detectedAt,
        error:
          "the run stopped without finishing (its process died or lost Redis); resumed from its checkpoint",
        resumedBy: run.runId,
      };
      tx.lpush(this.key("runs"), JSON.stringify(interrupted)).ltrim(this.key("runs"), 0, historyLength - 1);
    }
    tx.set(
      this.key("current"),
      JSON.stringify({ ...run, ...(interrupted ? { resumedFrom: interrupted.runId } : {}) }),
    );
    await tx.exec();
    return interrupted?.runId;
  }

  /** Add a finished run to the history (and end its in-progress marker if `fence` still holds). */
  async recordRun(run: SyncRunRecord, fence?: number): Promise<void> {
    await this.redis.eval(
      FINISH,
      3,
      this.key("runs"),
      this.key("fence"),
      this.key("current"),
      String(fence ?? ""),
      JSON.stringify(run),
      String(historyLength),
    );
  }

  async history(limit = 20): Promise<SyncRunRecord[]> {
    const rows = await this.redis.lrange(this.key("runs"), 0, limit - 1);
    return rows.map((row) => JSON.parse(row) as SyncRunRecord);
  }
}
