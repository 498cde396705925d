import { createHmac } from "node:crypto";
import type { KeyMaterial } from "./key-material.js";

const maxRecent = 10_000;

/**
 * Phone numbers never appear in Redis key names: a key that names a number uses
 * HMAC-SHA-256(hash key, E.164) instead, truncated to 128 bits (hex). Key names show up where values
 * do not (SCAN, slowlog, `--bigkeys`, memory reports, monitoring); values stay as they are.
 * After a rotation, `all` also gives the names under the previous keys, so readers still find
 * what was written before (attempt logs, phone index) until it ages out.
 */
export class PhoneKeys {
  constructor(private readonly keys: readonly KeyMaterial[]) {
    if (keys.length === 0) throw new Error("PhoneKeys needs at least one key");
  }

  /**
   * Recent numbers' name parts (every key, current first): a lease and its outcome hash one number
   * 4–5 times, a sync page names each number for its attempt log and again for the phone index.
   */
  private readonly recent = new Map<string, readonly string[]>();

  /** The name part for `phone` under the current key. */
  current(phone: string): string {
    return this.names(phone)[0] as string;
  }

  /** The name parts under every key held, current first. */
  all(phone: string): string[] {
    return [...this.names(phone)];
  }

  private names(phone: string): readonly string[] {
    let names = this.recent.get(phone);
    if (!names) {
      names = this.keys.map((key) => this.under(key, phone));
      // Bounded: dropped whole when full (a sync of a big source passes each number once).
      if (this.recent.size >= maxRecent) this.recent.clear();
      this.recent.set(phone, names);
    }
    return names;
  }

  private under(key: KeyMaterial, phone: string): string {
    return createHmac("sha256", key.key).update(phone, "utf8").digest("hex").slice(0, 32);
  }
}
