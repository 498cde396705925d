import type { ChainableCommander } from "ioredis";
import type { PhoneKeys } from "../security/phone-keys.js";
import type { Redis } from "./connection.js";
import { redisKeys } from "./keys.js";

/**
 * Which queued leads carry a phone number, across campaigns: an opt-out finds them without a scan.
 * The key names the number by its keyed hash (`phone-jobs:<hmac>`), never the digits.
 */
export class PhoneIndex {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly phoneKeys: PhoneKeys,
  ) {}

  private key(phone: string): string {
    return redisKeys(this.prefix).phoneJobs(this.phoneKeys.current(phone));
  }

  /** Add to a pipeline the entries for leads queued in `campaign`. */
  record(pipeline: ChainableCommander, campaign: string, leads: { key: string; phones: string[] }[]): void {
    for (const lead of leads) {
      for (const phone of lead.phones) pipeline.sadd(this.key(phone), `${campaign}\t${lead.key}`);
    }
  }

  async lookup(phone: string): Promise<{ campaign: string; leadKey: string }[]> {
    // After a hash-key rotation, entries written under the previous key are still found.
    const names = this.phoneKeys.all(phone).map((hash) => redisKeys(this.prefix).phoneJobs(hash));
    const members = await this.redis.sunion(...names);
    return members.map((member) => {
      const [campaign, leadKey] = member.split("\t") as [string, string];
      return { campaign, leadKey };
    });
  }
}
