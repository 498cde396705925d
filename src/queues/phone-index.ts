import type { ChainableCommander, Redis } from "ioredis";

/** Which queued leads carry a phone number, across campaigns: an opt-out finds them without a scan. */
export class PhoneIndex {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(phone: string): string {
    return `${this.prefix}:phone-jobs:${phone}`;
  }

  /** Add to a pipeline the entries for leads queued in `campaign`. */
  record(pipeline: ChainableCommander, campaign: string, leads: { key: string; phones: string[] }[]): void {
    for (const lead of leads) {
      for (const phone of lead.phones) pipeline.sadd(this.key(phone), `${campaign}\t${lead.key}`);
    }
  }

  async lookup(phone: string): Promise<{ campaign: string; leadKey: string }[]> {
    const members = await this.redis.smembers(this.key(phone));
    return members.map((member) => {
      const [campaign, leadKey] = member.split("\t") as [string, string];
      return { campaign, leadKey };
    });
  }
}
