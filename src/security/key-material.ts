import { createHash } from "node:crypto";

/** A 32-byte key with its id: the first 8 hex digits of its SHA-256, so a key names itself. */
export interface KeyMaterial {
  id: string;
  key: Buffer;
}

/** `base64` or 64 hex digits → 32 bytes; undefined when it is neither. */
export function parseKey32(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, "hex");
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) return undefined;
  const bytes = Buffer.from(trimmed.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  return bytes.length === 32 ? bytes : undefined;
}

export function keyId(key: Buffer): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 8);
}

/**
 * A comma-separated key list (`NEW,OLD`): the first key is current (encrypts, names new hashes), the
 * others are still read. Returns a problem message instead when an entry is malformed.
 */
export function parseKeyList(value: string, variable: string): KeyMaterial[] | string {
  const entries = value
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) return `${variable} is empty`;
  const keys: KeyMaterial[] = [];
  for (const [i, entry] of entries.entries()) {
    const key = parseKey32(entry);
    if (!key) return `${variable} entry ${i + 1} is not 32 bytes in base64 or 64 hex digits`;
    keys.push({ id: keyId(key), key });
  }
  return keys;
}
