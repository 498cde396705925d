import { createHmac } from "node:crypto";
import type { KeyMaterial } from "./key-material.js";

const recentLimit = 8_192;

/**
 * Phone numbers never appear in Redis key names: a key that names a number uses
 * HMAC-SHA-256(hash key, E.164) instead, truncated to 128 bits (hex). Key names show up where values
 * do not (SCAN, slowlog, `--bigkeys`, memory reports, monitoring); values stay as they are.
 * After a rotation, `all` also gives the names under the previous keys, so readers still find
 * what was written before (attempt logs, phone index) until it ages out.
 */
export class PhoneKeys {
  /**
   * The names of the numbers seen last (a sync page names each number for its attempt log and again
   * for the phone index): bounded, dropped whole when full.
   */
  private readonly recent = new Map<string, readonly string[]>();

  constructor(private readonly keys: readonly KeyMaterial[]) {
    if (keys.length === 0) throw new Error("PhoneKeys needs at least one key");
  }

  /** The name part for `phone` under the current key. */
  current(phone: string): string {
    return this.names(phone)[0] as string;
  }

  /** The name parts under every key held, current first. */
  all(phone: string): string[] {
    return [...this.names(phone)];
  }

  private names(phone: string): readonly string[] {
    const known = this.recent.get(phone);
    if (known) return known;
    const names = this.keys.map((key) => this.under(key, phone));
    if (this.recent.size >= recentLimit) this.recent.clear();
    this.recent.set(phone, names);
    return names;
  }

  private under(key: KeyMaterial, phone: string): string {
    return createHmac("sha256", key.key).update(phone, "utf8").digest("hex").slice(0, 32);
  }
}
