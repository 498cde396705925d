import type { GateDecision } from "../compliance/index.js";
import type { Lead } from "../model/lead.js";
import type { Redis } from "../queues/connection.js";
import type { DialJobData } from "../queues/dial-queue.js";
import { redisKeys } from "../queues/keys.js";
import { dialJobId, queueNames } from "../queues/names.js";
import { type DecisionRecord, decisionRecord } from "./decision-log.js";
import type { DecisionPages } from "./decision-pages.js";

export interface HeldExplanationDependencies {
  redis: Redis;
  prefix: string;
  campaigns: () => readonly string[];
  pages: Pick<DecisionPages, "find">;
  /** The gate's decision for leads at an instant (reads state, writes nothing). */
  decide: (leads: readonly Lead[], campaign: string, now: Date) => Promise<GateDecision[]>;
}

/**
 * Why a queued lead was held at sync time, per campaign: its page entry (found from its dial job's
 * creation time) gives the decision, rule and `until`; the per-lead detail (zones, jurisdictions,
 * evidence, every refusing rule) is the pure gate's answer for the job's lead at the entry's instant.
 * When that answer no longer matches the entry (an input changed, e.g. new attempts or a new registry
 * snapshot), the entry is returned as recorded, and the evidence says so.
 */
export async function explainHeld(
  deps: HeldExplanationDependencies,
  leadKey: string,
): Promise<DecisionRecord[]> {
  const campaigns = deps.campaigns();
  if (campaigns.length === 0) return [];
  const pipeline = deps.redis.pipeline();
  for (const campaign of campaigns) {
    pipeline.hmget(
      `${redisKeys(deps.prefix).dialQueuePrefix(campaign)}:${queueNames.dial(campaign)}:${dialJobId(leadKey)}`,
      "data",
      "timestamp",
    );
  }
  const jobs = (await pipeline.exec()) ?? [];
  const records: DecisionRecord[] = [];
  for (const [i, campaign] of campaigns.entries()) {
    const [data, timestamp] = (jobs[i]?.[1] as Array<string | null> | undefined) ?? [];
    if (!data || !timestamp) continue;
    const page = await deps.pages.find(campaign, leadKey, Number(timestamp));
    if (!page) continue;
    const { leadKeys: _leadKeys, ...summary } = page;
    const lead = (JSON.parse(data) as DialJobData).lead;
    const at = new Date(page.at);
    const [decision] = await deps.decide([lead], campaign, at);
    if (
      decision?.decision === "wait" &&
      decision.rule.id === page.rule.id &&
      decision.until.toISOString() === page.until
    ) {
      records.push({ ...decisionRecord(decision, at, page.stage, campaign), id: page.id });
    } else {
      const now = decision ? `${decision.decision} (${decision.rule.id})` : "nothing";
      records.push({
        ...summary,
        evidence: { detail: `per-lead detail not derivable: the gate now says ${now} for that instant` },
      });
    }
  }
  return records;
}
