import { hash, timingSafeEqual } from "node:crypto";
import type { ApiKeyConfig, ApiScope } from "../config/api-keys.js";

/** Who is calling: the key's name (for provenance and logs, never its value) and what it may do. */
export interface Principal {
  keyName: string;
  scopes: ReadonlySet<ApiScope>;
  /** The campaigns a restricted key may work in; undefined: all. */
  campaigns?: ReadonlySet<string>;
}

export function isAdmin(principal: Principal): boolean {
  return principal.scopes.has("admin");
}

/**
 * Whether the caller may read the receipt of an outcome posted with the key named `postedBy`: that
 * key, an admin key or a `receipts-read-all` key. A receipt without a poster (posted through the
 * library, or before keys were recorded) is for the last two only.
 */
export function mayReadReceipt(principal: Principal, postedBy: string | undefined): boolean {
  if (isAdmin(principal) || principal.scopes.has("receipts-read-all")) return true;
  return postedBy !== undefined && postedBy === principal.keyName;
}

/** Whether the caller may act in `campaign` (admin keys and unrestricted keys: every campaign). */
export function mayUseCampaign(principal: Principal, campaign: string): boolean {
  return isAdmin(principal) || principal.campaigns === undefined || principal.campaigns.has(campaign);
}

/**
 * The API keys of a process, held as SHA-256 hashes only (the config schema hashes them while
 * parsing). A bearer key is compared with every hash in constant time, whatever matches, so the
 * answer's timing says nothing about which key or how much of it was right. Two values per name
 * are accepted at once, for rotation.
 */
export class ApiKeyStore {
  private readonly entries: Array<{ hash: Buffer; principal: Principal }>;

  constructor(keys: readonly ApiKeyConfig[]) {
    this.entries = keys.flatMap((key) => {
      const principal: Principal = {
        keyName: key.name,
        scopes: new Set(key.scopes),
        ...(key.campaigns ? { campaigns: new Set(key.campaigns) } : {}),
      };
      return key.keyHashes.map((hash) => ({ hash: Buffer.from(hash, "hex"), principal }));
    });
  }

  /** The caller behind an `Authorization: Bearer …` header, or undefined. */
  authenticate(authorization: string | undefined): Principal | undefined {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
    if (!match) return undefined;
    // One-shot hash: about half the CPU of createHash().update().digest() per request.
    const presented = hash("sha256", match[1] as string, "buffer");
    let found: Principal | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(entry.hash, presented)) found ??= entry.principal;
    }
    return found;
  }

  /** For the start-up log: names, scopes and how many values each (rotation), never a value. */
  static describe(keys: readonly ApiKeyConfig[]): Array<Record<string, unknown>> {
    return keys.map((key) => ({
      name: key.name,
      scopes: key.scopes,
      values: key.keyHashes.length,
      ...(key.campaigns ? { campaigns: key.campaigns } : {}),
      ...(key.legacy
        ? { legacy: "unnamed key in the old shape: admin scope; name it and give it scopes" }
        : {}),
    }));
  }
}
