import { z } from "zod";
import type { EmergencyBan } from "../compliance/index.js";
import type { Redis } from "../queues/connection.js";
import { redisKeys } from "../queues/keys.js";

const storedBanSchema = z.object({
  jurisdiction: z.string(),
  from: z.string().optional(),
  until: z.string(),
  reason: z.string(),
  setBy: z.string(),
  setAt: z.string(),
});
/** A ban as stored: the ban and who recorded it when. */
export type StoredEmergencyBan = z.infer<typeof storedBanSchema>;

/** One change of the bans, as audited: who, when, what and why. */
export interface EmergencyAuditEntry {
  /** Stream entry id, set when read back. */
  id?: string;
  at: string;
  by: string;
  action: "set" | "clear";
  jurisdiction: string;
  from?: string | undefined;
  until?: string | undefined;
  reason: string;
}

/** Audit entries kept (approximately: Redis trims whole stream nodes). */
export const emergencyAuditKept = 1_000;

/**
 * Declared bans on solicitation (Louisiana states of emergency, La. R.S. 45:844.31), recorded by an
 * operator and read by the gate on every decision: a hash of the bans in force or scheduled, and an
 * audit stream of every change with who made it, when and why.
 */
export class EmergencyBans {
  private parsed: { signature: string; bans: EmergencyBan[] } | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private get key(): string {
    return redisKeys(this.prefix).compliance("emergencies");
  }
  private get auditKey(): string {
    return redisKeys(this.prefix).compliance("emergency-audit");
  }

  private auditFields(entry: EmergencyAuditEntry): string[] {
    const fields = [
      "at",
      entry.at,
      "by",
      entry.by,
      "action",
      entry.action,
      "jurisdiction",
      entry.jurisdiction,
    ];
    if (entry.from) fields.push("from", entry.from);
    if (entry.until) fields.push("until", entry.until);
    fields.push("reason", entry.reason);
    return fields;
  }

  /** Record (or replace) the ban on `ban.jurisdiction`, with its audit entry, atomically. */
  async set(ban: EmergencyBan, by: string, at: Date): Promise<StoredEmergencyBan> {
    const stored: StoredEmergencyBan = {
      jurisdiction: ban.jurisdiction,
      ...(ban.from ? { from: ban.from } : {}),
      until: ban.until,
      reason: ban.reason,
      setBy: by,
      setAt: at.toISOString(),
    };
    const entry: EmergencyAuditEntry = { at: stored.setAt, by, action: "set", ...ban };
    const result = await this.redis
      .multi()
      .hset(this.key, ban.jurisdiction, JSON.stringify(stored))
      .xadd(this.auditKey, "MAXLEN", "~", emergencyAuditKept, "*", ...this.auditFields(entry))
      .exec();
    for (const [error] of result ?? []) if (error) throw error;
    return stored;
  }

  /** Lift the ban on `jurisdiction`; false if there was none (the attempt is audited either way). */
  async clear(jurisdiction: string, by: string, reason: string, at: Date): Promise<boolean> {
    const entry: EmergencyAuditEntry = { at: at.toISOString(), by, action: "clear", jurisdiction, reason };
    const result = await this.redis
      .multi()
      .hdel(this.key, jurisdiction)
      .xadd(this.auditKey, "MAXLEN", "~", emergencyAuditKept, "*", ...this.auditFields(entry))
      .exec();
    for (const [error] of result ?? []) if (error) throw error;
    return result?.[0]?.[1] === 1;
  }

  /** Every recorded ban, expired ones included (they no longer refuse anything), by jurisdiction. */
  async list(): Promise<StoredEmergencyBan[]> {
    const all = await this.redis.hgetall(this.key);
    return Object.keys(all)
      .sort()
      .flatMap((jurisdiction) => {
        // A value that does not parse is skipped here and refused loudly by `bans()`.
        const parsed = storedBanSchema.safeParse(safeJson(all[jurisdiction]));
        return parsed.success ? [parsed.data] : [];
      });
  }

  /**
   * The bans the gate must honour, as its input. A stored value that cannot be read fails the read
   * (the caller fails closed) instead of being ignored.
   */
  async bans(): Promise<EmergencyBan[]> {
    return this.parseBans(await this.redis.hgetall(this.key));
  }

  /** The hash of the bans (read with the gate's other state, `GateReads`). */
  get bansKey(): string {
    return this.key;
  }

  /** The bans hash as read: validated once per content (it changes only when an operator acts). */
  parseBans(all: Record<string, string>): EmergencyBan[] {
    const entries = Object.entries(all);
    if (entries.length === 0) return [];
    const signature = entries.flat().join("\u0000");
    if (this.parsed?.signature !== signature) {
      const bans = entries.map(([jurisdiction, value]) => {
        const parsed = storedBanSchema.safeParse(safeJson(value));
        if (!parsed.success) throw new Error(`unreadable emergency ban for ${jurisdiction} in ${this.key}`);
        const { from, until, reason } = parsed.data;
        return { jurisdiction, ...(from ? { from } : {}), until, reason };
      });
      this.parsed = { signature, bans };
    }
    return this.parsed.bans.map((ban) => ({ ...ban }));
  }

  /** The audit trail, newest first. */
  async audit(limit = 100): Promise<EmergencyAuditEntry[]> {
    const entries = await this.redis.xrevrange(this.auditKey, "+", "-", "COUNT", limit);
    return entries.map(([id, flat]) => {
      const f = new Map<string, string>();
      for (let i = 0; i + 1 < flat.length; i += 2) f.set(flat[i] as string, flat[i + 1] as string);
      return {
        id,
        at: f.get("at") ?? "",
        by: f.get("by") ?? "",
        action: f.get("action") === "clear" ? "clear" : "set",
        jurisdiction: f.get("jurisdiction") ?? "",
        ...(f.has("from") ? { from: f.get("from") } : {}),
        ...(f.has("until") ? { until: f.get("until") } : {}),
        reason: f.get("reason") ?? "",
      };
    });
  }
}

function safeJson(value: string | undefined): unknown {
  try {
    return value === undefined ? undefined : JSON.parse(value);
  } catch {
    return undefined;
  }
}
