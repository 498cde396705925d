import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { KeyMaterial } from "./key-material.js";

const version = "enc1";

/**
 * AES-256-GCM for secrets kept in Redis (OAuth access tokens). A sealed value reads
 * `enc1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url): the key id lets a process holding the new key
 * and the old one open values written before a rotation. `aad` binds a value to its place (the
 * Redis key), so a ciphertext copied under another integration's key does not open.
 */
export class TokenCipher {
  private readonly byId: Map<string, Buffer>;
  private readonly current: KeyMaterial;

  constructor(keys: readonly KeyMaterial[]) {
    const [current] = keys;
    if (!current) throw new Error("TokenCipher needs at least one key");
    this.current = current;
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  get currentKeyId(): string {
    return this.current.id;
  }

  seal(plaintext: string, aad: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.current.key, iv);
    cipher.setAAD(Buffer.from(aad, "utf8"));
    const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), body].map((b) => b.toString("base64url"));
    return [version, this.current.id, ...parts].join(".");
  }

  /**
   * The plaintext, or undefined when the value is not sealed (written before encryption), sealed
   * under a key this process does not hold, or tampered with: callers treat that as "no token".
   */
  open(sealed: string, aad: string): string | undefined {
    const parts = sealed.split(".");
    if (parts.length !== 5 || parts[0] !== version) return undefined;
    const [, id, iv, tag, body] = parts as [string, string, string, string, string];
    const key = this.byId.get(id);
    if (!key) return undefined;
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
      decipher.setAAD(Buffer.from(aad, "utf8"));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString(
        "utf8",
      );
    } catch {
      return undefined;
    }
  }

  /** Whether a sealed value was written under an older key (a rotation re-seals it on next write). */
  isStale(sealed: string): boolean {
    return sealed.split(".")[1] !== this.current.id;
  }
}
