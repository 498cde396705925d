import { randomUUID } from "node:crypto";
import { dropPrefix as dropKeys } from "../../src/runtime/drop-prefix.js";

export function redisUrl(): string {
  return process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
}

/** A key prefix no other test uses (hash-tagged like production), so tests never see each other's keys. */
export function uniquePrefix(): string {
  return `{t-${randomUUID().slice(0, 12)}}`;
}

/** Delete every key under a prefix (call in afterEach). */
export function dropPrefix(prefix: string): Promise<void> {
  return dropKeys(redisUrl(), prefix);
}
