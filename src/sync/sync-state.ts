import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";

/** One finished (or failed) sync run, kept for operators (`telesync status`, API). */
export interface SyncRunRecord {
  runId: string;
  sourceId: string;
  full: boolean;
  startedAt: string;
  finishedAt: string;
  outcome: "completed" | "failed" | "aborted";
  error?: string;
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

/** Per-source state in Redis: cursor checkpoint, membership (ref → lead key), run lock, history. */
export class SyncState {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    readonly sourceId: string,
  ) {}

  private key(part: string): string {
    return `${this.prefix}:source:${this.sourceId}:${part}`;
  }

  async readCursor(): Promise<unknown> {
    const raw = await this.redis.get(this.key("cursor"));
    return raw === null ? undefined : JSON.parse(raw);
  }

  async clearCursor(): Promise<void> {
    await this.redis.del(this.key("cursor"));
  }

  /** Record the page's membership changes and its cursor together, so a crash resumes after the page. */
  async checkpoint(
    cursor: unknown,
    joined: Map<string, string>,
    leftRefs: string[],
    seenSetKey?: string,
  ): Promise<void> {
    const tx = this.redis.multi();
    if (joined.size > 0) tx.hset(this.key("members"), joined);
    if (leftRefs.length > 0) tx.hdel(this.key("members"), ...leftRefs);
    if (seenSetKey && joined.size > 0) tx.sadd(seenSetKey, ...joined.keys());
    tx.set(this.key("cursor"), JSON.stringify(cursor));
    await tx.exec();
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

  async dropKey(key: string): Promise<void> {
    await this.redis.del(key);
  }

  /**
   * One sync of a source at a time, across processes. Returns a release function, or undefined when
   * another run holds the lock. The lock expires by itself if its holder dies.
   */
  async acquireLock(
    ttlMs = 60_000,
  ): Promise<{ release(): Promise<void>; refresh(): Promise<void> } | undefined> {
    const token = randomUUID();
    const key = this.key("lock");
    const ok = await this.redis.set(key, token, "PX", ttlMs, "NX");
    if (ok !== "OK") return undefined;
    const ifOwner = (command: string) =>
      `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call(${command}) else return 0 end`;
    return {
      release: async () => {
        await this.redis.eval(ifOwner('"del", KEYS[1]'), 1, key, token);
      },
      refresh: async () => {
        await this.redis.eval(ifOwner('"pexpire", KEYS[1], ARGV[2]'), 1, key, token, String(ttlMs));
      },
    };
  }

  async recordRun(run: SyncRunRecord): Promise<void> {
    await this.redis
      .multi()
      .lpush(this.key("runs"), JSON.stringify(run))
      .ltrim(this.key("runs"), 0, historyLength - 1)
      .exec();
  }

  async history(limit = 20): Promise<SyncRunRecord[]> {
    const rows = await this.redis.lrange(this.key("runs"), 0, limit - 1);
    return rows.map((row) => JSON.parse(row) as SyncRunRecord);
  }
}
