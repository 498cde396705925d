import { Job, Queue } from "bullmq";
import type { Lead } from "../model/lead.js";
import type { PhoneKeys } from "../security/phone-keys.js";
import type { Redis } from "./connection.js";
import { ignoreReconnectErrors } from "./connection.js";
import { bullmqFallbackMs, DueIndex } from "./due-index.js";
import { redisKeys } from "./keys.js";
import { dialJobId, queueNames } from "./names.js";
import { PhoneIndex } from "./phone-index.js";

/** What a dial job carries: the mapped lead and where it came from. Kept small: no raw CRM record. */
export interface DialJobData {
  lead: Lead;
  sourceId: string;
  /** Call attempts so far in this campaign (set by outcomes; a re-sync keeps it). */
  attempts?: number;
  /**
   * `lead.phone` as the sync parsed it (`carryPhone`), so the lease-time gate places the lead without
   * parsing it again; written with the lead (a re-sync rewrites both), read only when it names
   * `lead.phone` itself. Absent from jobs queued before it existed: those are parsed at lease.
   */
  parsedPhone?: string;
}

/**
 * A lead to queue; `delay` (ms, on telesync's clock) holds a new job until its calling window opens.
 * `isNew`: the caller knows the campaign has no job for it (a source's first sync), so it is not
 * looked up first; were it there after all, `addBulk` leaves the existing job as it is.
 */
export type UpsertItem = DialJobData & { delay?: number; isNew?: boolean };

export interface UpsertCounts {
  added: number;
  updated: number;
  unchanged: number;
  /** Already finished in this campaign (called and done): a re-sync does not queue it again. */
  finished: number;
}

const jobName = "dial";

function wasBlocked(returnvalue: string | null | undefined): boolean {
  if (!returnvalue) return false;
  try {
    return (JSON.parse(returnvalue) as { outcome?: unknown } | null)?.outcome === blockedOutcome;
  } catch {
    return false;
  }
}

/** Entries kept in a dial queue's BullMQ event stream (`XADD … MAXLEN ~`). */
export const dialEventsKept = 1_000;

/**
 * The outcome a lease-time compliance block leaves on a finished job: such a lead may be queued
 * again by a later sync once the gate lets it through (e.g. after a fresh registry snapshot).
 */
export const blockedOutcome = "blocked";

/** One campaign's call queue: one job per lead (job id = lead key), never duplicated. */
export class DialQueue {
  readonly queue: Queue<DialJobData>;
  private readonly phones: PhoneIndex;
  private readonly dueIndex: DueIndex;

  constructor(
    readonly campaign: string,
    private readonly redis: Redis,
    readonly prefix: string,
    phoneKeys: PhoneKeys,
    /** telesync's clock: delays and due times are on it (see `DueIndex`). */
    private readonly now: () => Date = () => new Date(),
  ) {
    this.queue = new Queue<DialJobData>(queueNames.dial(campaign), {
      connection: redis,
      prefix: redisKeys(prefix).dialQueuePrefix(campaign),
      // Nothing reads a dial queue's event stream (no QueueEvents): keep it short, not BullMQ's 10,000.
      streams: { events: { maxLen: dialEventsKept } },
    });
    this.queue.on("error", ignoreReconnectErrors);
    this.phones = new PhoneIndex(redis, prefix, phoneKeys);
    this.dueIndex = new DueIndex(redis, prefix, campaign);
  }

  private jobKey(jobId: string): string {
    return this.queue.toKey(jobId);
  }

  /**
   * Queue new leads with `addBulk` (a new lead with a `delay` as a delayed job), update the data of
   * leads already queued, leave finished ones, except a lead the lease-time gate blocked: it is queued
   * afresh. The delay applies to new jobs only; a queued lead is checked again when it is leased.
   * One round trip reads the state of the whole batch (items marked `isNew` are not read).
   */
  async upsert(items: UpsertItem[], bulkSize: number): Promise<UpsertCounts> {
    const counts: UpsertCounts = { added: 0, updated: 0, unchanged: 0, finished: 0 };
    if (items.length === 0) return counts;
    const looked = items.filter((item) => item.isNew !== true);
    const pipeline = this.redis.pipeline();
    for (const item of looked)
      pipeline.hmget(this.jobKey(dialJobId(item.lead.key)), "data", "finishedOn", "returnvalue");
    const replies = looked.length > 0 ? ((await pipeline.exec()) ?? []) : [];
    let reply = 0;
    const toAdd: Array<{ data: DialJobData; delay: number }> = [];
    const toUpdate: DialJobData[] = [];
    const toReplace: string[] = [];
    items.forEach(({ delay, isNew, ...item }) => {
      if (isNew === true) {
        toAdd.push({ data: item, delay: delay ?? 0 });
        return;
      }
      const [error, fields] = replies[reply++] ?? [null, null];
      if (error) throw error;
      const [data, finishedOn, returned] = (fields as Array<string | null> | null) ?? [null, null, null];
      if (data === null || data === undefined) {
        toAdd.push({ data: item, delay: delay ?? 0 });
        return;
      }
      if (finishedOn !== null && finishedOn !== undefined) {
        if (wasBlocked(returned)) {
          toReplace.push(dialJobId(item.lead.key));
          toAdd.push({ data: item, delay: delay ?? 0 });
        } else counts.finished++;
        return;
      }
      const current = JSON.parse(data) as DialJobData;
      const next: DialJobData =
        current.attempts === undefined ? item : { ...item, attempts: current.attempts };
      if (JSON.stringify(current) === JSON.stringify(next)) counts.unchanged++;
      else toUpdate.push(next);
    });
    await Promise.all(toReplace.map((jobId) => this.queue.remove(jobId)));
    const now = this.now().getTime();
    for (let i = 0; i < toAdd.length; i += bulkSize) {
      const chunk = toAdd.slice(i, i + bulkSize);
      // BullMQ stamps each job with the real time it builds it (between these two readings) and
      // delays it to stamp + its delay: the chunk's holds with one delay lie in [from + delay +
      // fallback, to + delay + fallback] (BullMQ's promotion is the fallback: see `DueIndex`).
      const from = Date.now();
      await this.queue.addBulk(
        chunk.map(({ data, delay }) => ({
          name: jobName,
          data,
          opts: {
            jobId: dialJobId(data.lead.key),
            ...(delay > 0 ? { delay: delay + bullmqFallbackMs } : {}),
          },
        })),
      );
      const to = Date.now();
      const delays = new Set<number>();
      for (const { delay } of chunk) if (delay > 0) delays.add(delay);
      await this.dueIndex.holdRanges(
        [...delays].map((delay) => ({
          from: from + delay + bullmqFallbackMs,
          to: to + delay + bullmqFallbackMs,
          until: now + delay,
        })),
      );
    }
    counts.added = toAdd.length;
    await Promise.all(
      toUpdate.map((data) =>
        new Job(this.queue, jobName, data, {}, dialJobId(data.lead.key)).updateData(data),
      ),
    );
    counts.updated = toUpdate.length;
    const indexed = [...toAdd.map(({ data }) => data), ...toUpdate].map(({ lead }) => ({
      key: lead.key,
      phones: [lead.phone, ...(lead.altPhones ?? [])],
    }));
    if (indexed.length > 0) {
      const index = this.redis.pipeline();
      this.phones.record(index, this.campaign, indexed);
      await index.exec();
    }
    return counts;
  }

  /** True when the campaign has no job in any state (a source's first sync may skip lookups). */
  async isEmpty(): Promise<boolean> {
    const counts = await this.queue.getJobCounts();
    return Object.values(counts).every((n) => n === 0);
  }

  /**
   * Remove leads that left the source; returns how many queued jobs were removed. A leased (locked)
   * job stays with its dialer, whose outcome then completes it.
   */
  async remove(leadKeys: string[]): Promise<number> {
    if (leadKeys.length === 0) return 0;
    const pipeline = this.redis.pipeline();
    for (const key of leadKeys) pipeline.exists(this.jobKey(dialJobId(key)));
    const exists = (await pipeline.exec()) ?? [];
    const present = leadKeys.filter((_key, i) => exists[i]?.[1] === 1);
    // Queue#remove answers 1 for a job that does not exist, so count only the ones that did.
    const results = await Promise.all(present.map((key) => this.queue.remove(dialJobId(key))));
    await this.dueIndex.forget(present.map(dialJobId));
    return results.filter((removed) => removed === 1).length;
  }

  /**
   * Put a leased job back as delayed until `until` (telesync's clock): BullMQ gets the remaining
   * duration in real time (plus its fallback margin, see `DueIndex`), the due index gets `until`.
   */
  async holdLeased(job: Job<DialJobData>, until: Date, token: string): Promise<void> {
    const left = until.getTime() - this.now().getTime();
    // A hold already due gets no margin: BullMQ promotes that one job at the next lease, as
    // before, whether or not a release drops its entry first.
    const remaining = left > 0 ? left + bullmqFallbackMs : 0;
    // Together (one round trip): a release between the two finds the job not yet delayed and only
    // drops an entry that is due anyway; BullMQ then promotes the job by its real-time delay (the
    // fallback margin late: a lead held a minute longer, never lost).
    await Promise.all([
      job.moveToDelayed(Date.now() + remaining, token),
      job.id ? this.dueIndex.hold([{ jobId: job.id, until: until.getTime() }]) : undefined,
    ]);
  }

  /**
   * Move up to `limit` held jobs due on telesync's clock to the wait list, earliest due first, in
   * one script call (see `DueIndex`): how many due entries were taken and how many jobs were moved.
   */
  releaseDue(limit: number, now = this.now().getTime()): Promise<{ due: number; released: number }> {
    return this.dueIndex.release((type) => this.queue.toKey(type), now, limit, dialEventsKept);
  }

  /**
   * When held jobs are due on telesync's clock, from the due index (a leased job put back: its exact
   * `until`); undefined for a job held in a sync's range, whose real-time delay says it instead.
   */
  heldUntil(jobIds: readonly string[]): Promise<Array<number | undefined>> {
    return this.dueIndex.dueTimes(jobIds);
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
