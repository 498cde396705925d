import type { Job } from "bullmq";
import type { PhoneKeys } from "../security/phone-keys.js";
import type { Redis } from "./connection.js";
import { type DialJobData, DialQueue } from "./dial-queue.js";
import { dialJobId } from "./names.js";

export class UnknownCampaignError extends Error {
  override readonly name = "UnknownCampaignError";
  constructor(readonly campaign: string) {
    super(`unknown campaign "${campaign}"`);
  }
}

/**
 * The dial queue of every configured campaign, each opened on first use and closed together. What
 * spans campaigns (a lead deleted in the CRM, the jobs of one lead) is asked here.
 */
export class DialQueueRegistry {
  private readonly open = new Map<string, DialQueue>();
  private readonly known: ReadonlySet<string>;

  constructor(
    private readonly deps: {
      redis: Redis;
      prefix: string;
      /** The configured campaign names; any other name is refused. */
      campaigns: readonly string[];
      /** Names phone numbers in Redis key names by keyed hash. */
      phoneKeys: PhoneKeys;
      /** telesync's clock: delays and due times are on it (see `DueIndex`). */
      now: () => Date;
    },
  ) {
    this.known = new Set(deps.campaigns);
  }

  /** The configured campaign names. */
  get campaigns(): readonly string[] {
    return [...this.known];
  }

  has(campaign: string): boolean {
    return this.known.has(campaign);
  }

  /** The campaign's queue; throws `UnknownCampaignError` for a name not in the config. */
  get(campaign: string): DialQueue {
    let queue = this.open.get(campaign);
    if (!queue) {
      if (!this.known.has(campaign)) throw new UnknownCampaignError(campaign);
      queue = new DialQueue(campaign, this.deps.redis, this.deps.prefix, this.deps.phoneKeys, this.deps.now);
      this.open.set(campaign, queue);
    }
    return queue;
  }

  /** The lead's job in each campaign that has one (job id = lead key). */
  async jobsOfLead(leadKey: string): Promise<Array<{ campaign: string; job: Job<DialJobData> }>> {
    const found = await Promise.all(
      this.campaigns.map(async (campaign) => ({
        campaign,
        job: (await this.get(campaign).queue.getJob(dialJobId(leadKey))) as Job<DialJobData> | undefined,
      })),
    );
    return found.filter(
      (each): each is { campaign: string; job: Job<DialJobData> } => each.job !== undefined,
    );
  }

  /** Take a lead out of every campaign queue (deleted or merged away in the CRM); returns jobs removed. */
  async removeLead(leadKey: string): Promise<number> {
    let removed = 0;
    for (const campaign of this.campaigns) removed += await this.get(campaign).remove([leadKey]);
    return removed;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.open.values()].map((queue) => queue.close()));
    this.open.clear();
  }
}
