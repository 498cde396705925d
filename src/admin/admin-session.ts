import { createHash, randomBytes } from "node:crypto";
import type { Redis } from "../queues/connection.js";
import { redisKeys } from "../queues/keys.js";

/** How long an admin stays signed in to the page without signing in again. */
export const adminSessionTtlMs = 8 * 3_600_000;
export const adminCookie = "telesync_admin";

/**
 * Browser sessions for the admin page: the page cannot put a bearer key on a navigation (bull-board's
 * own pages), so an admin key is exchanged once for an HttpOnly, SameSite=Strict cookie. Redis keeps
 * only a hash of the session id, so a Redis dump holds nothing a browser could replay.
 */
export class AdminSessions {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(sessionId: string): string {
    return redisKeys(this.prefix).adminSession(createHash("sha256").update(sessionId).digest("hex"));
  }

  /** A new session for the named key; returns the id for the cookie. */
  async open(keyName: string): Promise<string> {
    const sessionId = randomBytes(24).toString("base64url");
    await this.redis.set(this.key(sessionId), keyName, "PX", adminSessionTtlMs);
    return sessionId;
  }

  /** The key name the session was opened with, if it is still open. */
  async holder(sessionId: string | undefined): Promise<string | undefined> {
    if (!sessionId || sessionId.length > 64) return undefined;
    return (await this.redis.get(this.key(sessionId))) ?? undefined;
  }

  async close(sessionId: string | undefined): Promise<void> {
    if (sessionId && sessionId.length <= 64) await this.redis.del(this.key(sessionId));
  }
}
