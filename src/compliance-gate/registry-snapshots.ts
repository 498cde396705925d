import { randomUUID } from "node:crypto";
import { toE164 } from "../mapping/transforms.js";
import type { Redis } from "../queues/connection.js";
import { redisKeys } from "../queues/keys.js";

/** One imported national do-not-call registry snapshot. */
export interface RegistrySnapshot {
  /** ISO 3166-1 alpha-2, e.g. US. */
  country: string;
  /** The day the registry was downloaded (YYYY-MM-DD): its age is what the gate checks. */
  snapshotAt: string;
  importedAt: string;
  numbers: number;
  /** Lines that were not a valid number for the country. */
  rejected: number;
  file?: string;
}

export interface ImportProgress {
  lines: number;
  numbers: number;
  rejected: number;
}

const batchSize = 1_000;
/** An interrupted import's scratch set goes away on its own. */
const scratchTtlMs = 86_400_000;

/**
 * National registry snapshots in Redis: a set of E.164 numbers per country, swapped in whole when a
 * new snapshot is imported (readers see the old snapshot or the new one, never half of one), and a
 * hash of each country's snapshot date.
 */
export class RegistrySnapshots {
  private readonly metaKey: string;
  private parsed: { signature: string; snapshots: Map<string, RegistrySnapshot> } | undefined;
  /** The last reply `parseSnapshotReply` parsed, and its map. */
  private lastReply:
    | { flat: readonly string[]; snapshots: ReadonlyMap<string, RegistrySnapshot> }
    | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    this.metaKey = redisKeys(prefix).registry("snapshots");
  }

  private setKey(country: string): string {
    return redisKeys(this.prefix).registry(`${country}:numbers`);
  }

  /** The hash of every snapshot's metadata (read with the gate's other state, `GateReads`). */
  get snapshotsKey(): string {
    return this.metaKey;
  }

  /** The set of a country's listed numbers. */
  listingKey(country: string): string {
    return this.setKey(country);
  }

  /**
   * Import a snapshot, streaming: every line is normalised to E.164 with `country` as the default
   * country (punctuation and separators are ignored, so `212,5550101` and `(212) 555-0101` both
   * read as +12125550101); blank lines and `#` comments are skipped. Numbers go in with SADD in
   * batches into a scratch set that replaces the country's set at the end.
   */
  async import(
    country: string,
    snapshotAt: string,
    lines: AsyncIterable<string>,
    options: { file?: string; onProgress?: (progress: ImportProgress) => void } = {},
  ): Promise<RegistrySnapshot> {
    const scratch = redisKeys(this.prefix).registry(`${country}:import:${randomUUID()}`);
    const progress: ImportProgress = { lines: 0, numbers: 0, rejected: 0 };
    let batch: string[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      await this.redis
        .pipeline()
        .sadd(scratch, ...batch)
        .pexpire(scratch, scratchTtlMs)
        .exec();
      batch = [];
      options.onProgress?.(progress);
    };
    try {
      for await (const raw of lines) {
        progress.lines++;
        const line = raw.trim();
        if (line === "" || line.startsWith("#")) continue;
        const digits = line.replace(/[^\d+]/g, "");
        const e164 = digits ? toE164(digits, country) : undefined;
        if (!e164) {
          progress.rejected++;
          continue;
        }
        progress.numbers++;
        batch.push(e164);
        if (batch.length >= batchSize) await flush();
      }
      await flush();
      const snapshot: RegistrySnapshot = {
        country,
        snapshotAt,
        importedAt: new Date().toISOString(),
        numbers: await this.redis.scard(scratch),
        rejected: progress.rejected,
        ...(options.file ? { file: options.file } : {}),
      };
      const tx = this.redis.multi();
      if (snapshot.numbers > 0) tx.rename(scratch, this.setKey(country)).persist(this.setKey(country));
      else tx.del(this.setKey(country));
      await tx.hset(this.metaKey, country, JSON.stringify(snapshot)).exec();
      return snapshot;
    } catch (error) {
      await this.redis.del(scratch).catch(() => {});
      throw error;
    }
  }

  /** Every imported snapshot, by country. */
  async snapshots(): Promise<Map<string, RegistrySnapshot>> {
    return this.parseSnapshots(await this.redis.hgetall(this.metaKey));
  }

  /** The snapshot hash as read: parsed once per content (it changes only on an import). */
  parseSnapshots(raw: Record<string, string>): Map<string, RegistrySnapshot> {
    const entries = Object.entries(raw);
    const signature = entries.flat().join("\u0000");
    if (this.parsed?.signature !== signature)
      this.parsed = {
        signature,
        snapshots: new Map(entries.map(([country, json]) => [country, JSON.parse(json) as RegistrySnapshot])),
      };
    // A copy: callers may keep or change what they get.
    return new Map(this.parsed.snapshots);
  }

  /**
   * The snapshot hash as `HGETALL` replies inside a script (field, value, …), for the gate's reads:
   * the same content as the last reply gives the same map, shared and not to be changed (a lease
   * reads the hash every time; it changes only on an import).
   */
  parseSnapshotReply(flat: readonly string[]): ReadonlyMap<string, RegistrySnapshot> {
    const last = this.lastReply;
    if (last && sameStrings(last.flat, flat)) return last.snapshots;
    const raw: Record<string, string> = {};
    for (let i = 1; i < flat.length; i += 2) raw[flat[i - 1] as string] = flat[i] as string;
    const snapshots = this.parseSnapshots(raw);
    this.lastReply = { flat, snapshots };
    return snapshots;
  }

  /** Per phone, the countries (of `countries`) whose snapshot lists it, from SMISMEMBER flags per country. */
  parseListings(
    countries: readonly string[],
    phones: readonly string[],
    flags: ReadonlyArray<readonly number[]>,
  ): Array<Set<string>> {
    const found = phones.map(() => new Set<string>());
    flags.forEach((perCountry, c) => {
      perCountry.forEach((flag, p) => {
        if (flag === 1) found[p]?.add(countries[c] as string);
      });
    });
    return found;
  }

  /** For each number: the countries whose snapshot lists it (one round trip). */
  async listings(countries: readonly string[], phones: readonly string[]): Promise<Array<Set<string>>> {
    const found = phones.map(() => new Set<string>());
    if (countries.length === 0 || phones.length === 0) return found;
    const pipeline = this.redis.pipeline();
    for (const country of countries) pipeline.smismember(this.setKey(country), ...phones);
    const results = (await pipeline.exec()) ?? [];
    return this.parseListings(
      countries,
      phones,
      results.map(([error, flags]) => {
        if (error) throw error;
        return flags as number[];
      }),
    );
  }
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
