import type { RuleRef } from "../compliance/index.js";
import type { Redis } from "../queues/connection.js";
import { redisKeys } from "../queues/keys.js";
import type { DecisionRecord } from "./decision-log.js";

/** One group of a page's held leads: the same decision, rule and `until`. */
export interface HeldGroup {
  decision: "wait";
  until: string;
  reason: string;
  rule: RuleRef;
  leadKeys: readonly string[];
}

/** The compact audit of one page entry as read back: the group's decision and its lead keys. */
export type PageRecord = DecisionRecord & { id: string; leadKeys: string[] };

/** Page entries are kept this long (trimmed by entry id on every write, key expiry as a backstop). */
export const pageRetentionMs = 30 * 86_400_000;
/** How far after a job's creation time its page entry may be (clock skew between hosts). */
const skewMs = 60_000;
/** How far back from a job's creation time the search goes, and how many entries it reads at most. */
const searchWindowMs = 3_600_000;
const searchEntries = 200;
const searchChunk = 10;

/**
 * The sync-time audit of held leads, compact: per campaign one Redis stream
 * (`decision-pages:<campaign>`), one entry per page and (rule, until) with the decision, the count
 * and the lead keys (newline-separated), written just before the page's `addBulk`. A held lead costs
 * its key's bytes here instead of a stream of its own; its per-lead detail (zones, evidence, every
 * refusing rule) is recomputed from the pure gate on request (`ComplianceGate.explainHeld`).
 * A lead's entry is found from its dial job's creation time: the newest entry at or before it.
 */
export class DecisionPages {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    /** Wall clock for trimming: stream entry ids are the Redis server's real time. */
    private readonly wallClock: () => number = Date.now,
  ) {}

  key(campaign: string): string {
    return redisKeys(this.prefix).decisionPages(campaign);
  }

  /** One entry per group, in one round trip. */
  async record(
    campaign: string,
    at: string,
    stage: DecisionRecord["stage"],
    groups: readonly HeldGroup[],
  ): Promise<void> {
    if (groups.length === 0) return;
    const key = this.key(campaign);
    const minId = String(this.wallClock() - pageRetentionMs);
    const pipeline = this.redis.pipeline();
    for (const group of groups) {
      pipeline.xadd(
        key,
        "MINID",
        "~",
        minId,
        "*",
        "at",
        at,
        "stage",
        stage,
        "decision",
        group.decision,
        "until",
        group.until,
        "reason",
        group.reason,
        "ruleId",
        group.rule.id,
        "ruleVersion",
        group.rule.version,
        "count",
        String(group.leadKeys.length),
        "leads",
        group.leadKeys.join("\n"),
      );
    }
    pipeline.pexpire(key, pageRetentionMs);
    for (const [error] of (await pipeline.exec()) ?? []) if (error) throw error;
  }

  /**
   * The newest entry listing `leadKey` written at most `skewMs` after `aroundMs` (the lead's dial job
   * creation time, epoch ms), searching back an hour and at most a few hundred entries.
   */
  async find(campaign: string, leadKey: string, aroundMs: number): Promise<PageRecord | undefined> {
    const key = this.key(campaign);
    let end = String(aroundMs + skewMs);
    const start = String(Math.max(0, aroundMs - searchWindowMs));
    for (let read = 0; read < searchEntries; read += searchChunk) {
      const entries = await this.redis.xrevrange(key, end, start, "COUNT", searchChunk);
      for (const [id, flat] of entries) {
        const fields = new Map<string, string>();
        for (let i = 0; i + 1 < flat.length; i += 2) fields.set(flat[i] as string, flat[i + 1] as string);
        const leadKeys = (fields.get("leads") ?? "").split("\n");
        if (leadKeys.includes(leadKey)) return toRecord(id, campaign, fields, leadKeys);
      }
      const last = entries.at(-1);
      if (!last || entries.length < searchChunk) return undefined;
      end = `(${last[0]}`;
    }
    return undefined;
  }
}

function toRecord(id: string, campaign: string, f: Map<string, string>, leadKeys: string[]): PageRecord {
  return {
    id,
    at: f.get("at") ?? "",
    stage: f.get("stage") === "lease" ? "lease" : "sync",
    campaign,
    decision: "wait",
    until: f.get("until") ?? "",
    reason: f.get("reason") ?? "",
    rule: { id: f.get("ruleId") ?? "", version: f.get("ruleVersion") ?? "" },
    evidence: {},
    zones: [],
    jurisdictions: [],
    leadKeys,
  };
}
