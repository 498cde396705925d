import type { ChainableCommander } from "ioredis";
import type { PhoneKeys } from "../security/phone-keys.js";
import type { Redis } from "./connection.js";
import { redisKeys } from "./keys.js";

/** Hex digits of a number's keyed hash that pick its bucket (16^3 = 4,096 buckets). */
const bucketDigits = 3;
/** Hex digits after the bucket's that name the number in a field: 3 + 21 = 96 bits of the hash. */
const restEnd = 24;
const scanCount = 1_000;

/**
 * A page's entries in one command. KEYS: the buckets touched. ARGV: per bucket, its number of
 * fields, then its fields (each with an empty value).
 */
const recordScript = `
local a = 1
for _, key in ipairs(KEYS) do
  local n = tonumber(ARGV[a])
  for i = a + 1, a + n do redis.call('HSET', key, ARGV[i], '') end
  a = a + n + 1
end
return #KEYS
`;

interface PhoneIndexCommands {
  telesyncPhoneIndex(numberOfKeys: number, ...args: string[]): Promise<number>;
}

/**
 * Which queued leads carry a phone number, across campaigns: an opt-out finds them without a scan.
 *
 * Bucketed: the number's keyed hash (HMAC, never the digits) is split into a bucket, its first three
 * hex digits (`phone-jobs:<3 hex>`, a hash), and the next 21, which lead each field:
 * `<21 hex>\t<campaign>\t<lead key>` (value empty; 96 bits of hash: no collision in practice). A key per number cost ~280 bytes of Redis
 * a lead (a one-member set is a hash table in Redis 7.0); a field in a bucket ~60: 4,096 buckets
 * stay listpack-encoded (≤ 512 fields each) up to ~2M numbers. A lookup reads the number's fields
 * with HSCAN … MATCH `<rest>\t*` (one call while the bucket is a listpack) and, for entries written
 * before buckets, the per-number set `phone-jobs:<hash>` (SMEMBERS).
 */
export class PhoneIndex {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly phoneKeys: PhoneKeys,
  ) {
    if (!("telesyncPhoneIndex" in redis)) redis.defineCommand("telesyncPhoneIndex", { lua: recordScript });
  }

  /** Add to a pipeline the entries for leads queued in `campaign` (one script call). */
  record(pipeline: ChainableCommander, campaign: string, leads: { key: string; phones: string[] }[]): void {
    const keys = redisKeys(this.prefix);
    const buckets = new Map<string, string[]>();
    for (const lead of leads) {
      for (const phone of lead.phones) {
        const hash = this.phoneKeys.current(phone);
        const bucket = hash.slice(0, bucketDigits);
        const field = `${hash.slice(bucketDigits, restEnd)}\t${campaign}\t${lead.key}`;
        const fields = buckets.get(bucket);
        if (fields) fields.push(field);
        else buckets.set(bucket, [field]);
      }
    }
    if (buckets.size === 0) return;
    const names: string[] = [];
    const args: string[] = [];
    for (const [bucket, fields] of buckets) {
      names.push(keys.phoneJobs(bucket));
      args.push(String(fields.length), ...fields);
    }
    (pipeline as ChainableCommander & PhoneIndexCommands).telesyncPhoneIndex(names.length, ...names, ...args);
  }

  async lookup(phone: string): Promise<{ campaign: string; leadKey: string }[]> {
    const keys = redisKeys(this.prefix);
    // After a hash-key rotation, entries written under the previous key are still found.
    const hashes = this.phoneKeys.all(phone);
    const members = new Set<string>(await this.redis.sunion(...hashes.map((hash) => keys.phoneJobs(hash))));
    for (const hash of hashes) {
      const rest = hash.slice(bucketDigits, restEnd);
      const key = keys.phoneJobs(hash.slice(0, bucketDigits));
      let cursor = "0";
      do {
        const [next, flat] = await this.redis.hscan(key, cursor, "MATCH", `${rest}\t*`, "COUNT", scanCount);
        cursor = next;
        for (let i = 0; i < flat.length; i += 2) members.add((flat[i] as string).slice(rest.length + 1));
      } while (cursor !== "0");
    }
    return [...members].map((member) => {
      const [campaign, leadKey] = member.split("\t") as [string, string];
      return { campaign, leadKey };
    });
  }
}
