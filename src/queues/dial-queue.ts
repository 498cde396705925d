import { Job, Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { Lead } from "../model/lead.js";
import { dialJobId, queueNames } from "./names.js";
import { PhoneIndex } from "./phone-index.js";

/** What a dial job carries: the mapped lead and where it came from. Kept small: no raw CRM record. */
export interface DialJobData {
  lead: Lead;
  sourceId: string;
  /** Call attempts so far in this campaign (set by outcomes; a re-sync keeps it). */
  attempts?: number;
}

export interface UpsertCounts {
  added: number;
  updated: number;
  unchanged: number;
  /** Already finished in this campaign (called and done): a re-sync does not queue it again. */
  finished: number;
}

const jobName = "dial";

/** One campaign's call queue: one job per lead (job id = lead key), never duplicated. */
export class DialQueue {
  readonly queue: Queue<DialJobData>;
  private readonly phones: PhoneIndex;

  constructor(
    readonly campaign: string,
    private readonly redis: Redis,
    readonly prefix: string,
  ) {
    this.queue = new Queue<DialJobData>(queueNames.dial(campaign), { connection: redis, prefix });
    this.phones = new PhoneIndex(redis, prefix);
  }

  private jobKey(jobId: string): string {
    return this.queue.toKey(jobId);
  }

  /**
   * Queue new leads with `addBulk`, update the data of leads already waiting, leave finished ones.
   * One round trip reads the state of the whole batch.
   */
  async upsert(items: DialJobData[], bulkSize: number): Promise<UpsertCounts> {
    const counts: UpsertCounts = { added: 0, updated: 0, unchanged: 0, finished: 0 };
    if (items.length === 0) return counts;
    const pipeline = this.redis.pipeline();
    for (const item of items) pipeline.hmget(this.jobKey(dialJobId(item.lead.key)), "data", "finishedOn");
    const existing = (await pipeline.exec()) ?? [];
    const toAdd: DialJobData[] = [];
    const toUpdate: DialJobData[] = [];
    items.forEach((item, i) => {
      const [error, fields] = existing[i] ?? [null, null];
      if (error) throw error;
      const [data, finishedOn] = (fields as [string | null, string | null] | null) ?? [null, null];
      if (data === null) {
        toAdd.push(item);
        return;
      }
      if (finishedOn !== null) {
        counts.finished++;
        return;
      }
      const current = JSON.parse(data) as DialJobData;
      const next: DialJobData =
        current.attempts === undefined ? item : { ...item, attempts: current.attempts };
      if (JSON.stringify(current) === JSON.stringify(next)) counts.unchanged++;
      else toUpdate.push(next);
    });
    for (let i = 0; i < toAdd.length; i += bulkSize) {
      const chunk = toAdd.slice(i, i + bulkSize);
      await this.queue.addBulk(
        chunk.map((data) => ({ name: jobName, data, opts: { jobId: dialJobId(data.lead.key) } })),
      );
    }
    counts.added = toAdd.length;
    await Promise.all(
      toUpdate.map((data) =>
        new Job(this.queue, jobName, data, {}, dialJobId(data.lead.key)).updateData(data),
      ),
    );
    counts.updated = toUpdate.length;
    const indexed = [...toAdd, ...toUpdate].map(({ lead }) => ({
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
    return results.filter((removed) => removed === 1).length;
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
