import { z } from "zod";
import type { Evidence, GateDecision, RuleRef } from "../compliance/index.js";
import type { Redis } from "../queues/connection.js";
import { redisKeys } from "../queues/keys.js";

const refusalRecordSchema = z.object({
  rule: z.object({ id: z.string(), version: z.string() }),
  jurisdiction: z.string(),
  zone: z.string().optional(),
  localTime: z.string().optional(),
  reason: z.string(),
  allowsAt: z.string().optional(),
});
/** One rule that refused at the decision's instant, and when it alone allows again (ISO). */
export type RefusalRecord = z.infer<typeof refusalRecordSchema>;

/** A gate decision that held (wait) or blocked a lead, as audited. */
export interface DecisionRecord {
  /** Stream entry id (Redis `<ms>-<seq>`), set when read back. */
  id?: string;
  /** When it was decided, on telesync's clock. */
  at: string;
  /** `sync` (while queueing), `lease` (when a dialer asked for a lead), `outcome` (a flagged call). */
  stage: "sync" | "lease" | "outcome";
  campaign: string;
  /** `flag`: an outcome accepted although its call broke a rule (see `OutcomeFlag`). */
  decision: "wait" | "block" | "flag";
  /** For `wait`: the earliest instant at which the lead may be called. */
  until?: string | undefined;
  reason: string;
  rule: RuleRef;
  evidence: Evidence;
  /** Where the lead was placed: candidate zones and jurisdictions. */
  zones: string[];
  jurisdictions: string[];
  /** IANA tz release the gate computed local times with (absent in entries written before it was recorded). */
  tzVersion?: string | undefined;
  /**
   * Every rule that refused at that instant, per candidate zone and jurisdiction, with the next
   * instant each alone allows (`reason` and `rule` above are the first of them, for compatibility).
   */
  refusals?: RefusalRecord[] | undefined;
}

/** A gate decision as the audit records it, decided at `at` (telesync's clock). */
export function decisionRecord(
  decision: Exclude<GateDecision, { decision: "allow" }>,
  at: Date,
  stage: DecisionRecord["stage"],
  campaign: string,
): DecisionRecord {
  return {
    at: at.toISOString(),
    stage,
    campaign,
    decision: decision.decision,
    ...(decision.decision === "wait" ? { until: decision.until.toISOString() } : {}),
    reason: decision.reason,
    rule: decision.rule,
    evidence: decision.evidence,
    zones: [...decision.location.zones],
    jurisdictions: [...decision.location.jurisdictions],
    tzVersion: decision.tzVersion,
    ...(decision.refusals
      ? {
          refusals: decision.refusals.map(({ allowsAt, ...refusal }) => ({
            ...refusal,
            ...(allowsAt ? { allowsAt: allowsAt.toISOString() } : {}),
          })),
        }
      : {}),
  };
}

/** Entries kept per lead (approximately: Redis trims whole stream nodes). */
export const decisionsKept = 50;
/** A lead's decisions disappear 30 days after its last one. */
export const decisionRetentionMs = 30 * 86_400_000;

const evidenceFields = ["zone", "localTime", "jurisdiction", "detail"] as const;

/**
 * The audit trail of the compliance gate: a Redis stream per lead key (`XADD … MAXLEN ~ 50`, expiring
 * 30 days after the last entry), written for every decision that blocked the lead, held it at lease
 * time or flagged its outcome. Sync-time holds are kept compact per page (`DecisionPages`);
 * `derived` finds and explains those, and `read` merges them in.
 */
export class DecisionLog {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    /** The lead's decisions kept elsewhere (the sync-time hold of its queued job), with their detail. */
    private readonly derived?: (leadKey: string) => Promise<DecisionRecord[]>,
  ) {}

  private key(leadKey: string): string {
    return redisKeys(this.prefix).decisions(leadKey);
  }

  async record(entries: ReadonlyArray<{ leadKey: string; record: DecisionRecord }>): Promise<void> {
    if (entries.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const { leadKey, record } of entries) {
      const fields: string[] = [
        "at",
        record.at,
        "stage",
        record.stage,
        "campaign",
        record.campaign,
        "decision",
        record.decision,
        "reason",
        record.reason,
        "ruleId",
        record.rule.id,
        "ruleVersion",
        record.rule.version,
        "zones",
        record.zones.join(","),
        "jurisdictions",
        record.jurisdictions.join(","),
      ];
      if (record.until) fields.push("until", record.until);
      if (record.tzVersion) fields.push("tzVersion", record.tzVersion);
      if (record.refusals) fields.push("refusals", JSON.stringify(record.refusals));
      for (const name of evidenceFields) {
        const value = record.evidence[name];
        if (value !== undefined) fields.push(name, value);
      }
      const key = this.key(leadKey);
      pipeline.xadd(key, "MAXLEN", "~", decisionsKept, "*", ...fields);
      pipeline.pexpire(key, decisionRetentionMs);
    }
    for (const [error] of (await pipeline.exec()) ?? []) if (error) throw error;
  }

  /** The lead's recorded decisions (its own stream and the derived ones), newest first. */
  async read(leadKey: string, limit = decisionsKept): Promise<DecisionRecord[]> {
    const [own, derived] = await Promise.all([this.readOwn(leadKey, limit), this.derived?.(leadKey) ?? []]);
    if (derived.length === 0) return own;
    // Entry ids are `<ms>-<seq>` of the Redis clock: newest first across both.
    const order = (record: DecisionRecord) => (record.id ?? "0-0").split("-").map(Number) as [number, number];
    return [...own, ...derived]
      .sort((a, b) => {
        const [am, as] = order(a);
        const [bm, bs] = order(b);
        return bm - am || bs - as;
      })
      .slice(0, limit);
  }

  private async readOwn(leadKey: string, limit: number): Promise<DecisionRecord[]> {
    const entries = await this.redis.xrevrange(this.key(leadKey), "+", "-", "COUNT", limit);
    return entries.map(([id, flat]) => {
      const f = new Map<string, string>();
      for (let i = 0; i + 1 < flat.length; i += 2) f.set(flat[i] as string, flat[i + 1] as string);
      const evidence: Record<string, string> = {};
      for (const name of evidenceFields) {
        const value = f.get(name);
        if (value !== undefined) evidence[name] = value;
      }
      const list = (value: string | undefined) => (value ? value.split(",") : []);
      return {
        id,
        at: f.get("at") ?? "",
        stage: oneOf(f.get("stage"), ["lease", "outcome"] as const, "sync"),
        campaign: f.get("campaign") ?? "",
        decision: oneOf(f.get("decision"), ["block", "flag"] as const, "wait"),
        ...(f.has("until") ? { until: f.get("until") } : {}),
        reason: f.get("reason") ?? "",
        rule: { id: f.get("ruleId") ?? "", version: f.get("ruleVersion") ?? "" },
        evidence,
        zones: list(f.get("zones")),
        jurisdictions: list(f.get("jurisdictions")),
        ...(f.has("tzVersion") ? { tzVersion: f.get("tzVersion") } : {}),
        ...refusalsOf(f.get("refusals")),
      };
    });
  }
}

function oneOf<T extends string, D extends string>(
  value: string | undefined,
  known: readonly T[],
  fallback: D,
): T | D {
  return known.find((k) => k === value) ?? fallback;
}

function refusalsOf(value: string | undefined): { refusals?: RefusalRecord[] } {
  if (value === undefined) return {};
  try {
    const parsed = z.array(refusalRecordSchema).safeParse(JSON.parse(value));
    return parsed.success ? { refusals: parsed.data } : {};
  } catch {
    return {};
  }
}
