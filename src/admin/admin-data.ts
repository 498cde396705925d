import type { Queue } from "bullmq";
import type { CrmConnector } from "../../connectors/types.js";
import type { GateDecision } from "../compliance/index.js";
import type { DecisionRecord } from "../compliance-gate/decision-log.js";
import { formatDecision } from "../compliance-gate/format-decision.js";
import type { TelesyncConfig } from "../config/schema.js";
import { fieldsRead, mapRecord } from "../mapping/map-record.js";
import type { Lead } from "../model/lead.js";
import { maskEmail, maskPhone } from "../observability/mask.js";
import type { SeriesBucket } from "../outcomes/disposition-stats.js";
import type { DialJobData } from "../queues/dial-queue.js";
import { bullmqFallbackMs } from "../queues/due-index.js";
import { dialJobId } from "../queues/names.js";
import type { SyncRunRecord } from "../sync/sync-state.js";
import type { DeadLetterEntry } from "../writeback/dead-letter.js";

/** What the admin page reads, and nothing more: each a narrow view of a stage the runtime built. */
export interface AdminDependencies {
  config: TelesyncConfig;
  now(): Date;
  dialQueue(campaign: string): Queue<DialJobData>;
  /** When held jobs are due on telesync's clock (epoch ms), where telesync's due index knows it. */
  heldUntil(campaign: string, jobIds: readonly string[]): Promise<Array<number | undefined>>;
  writebackQueue(integration: string): Queue;
  connector(integration: string): CrmConnector;
  syncRuns(sourceId: string, limit: number): Promise<SyncRunRecord[]>;
  triggerSync(sourceId: string): Promise<void>;
  decide(leads: readonly Lead[], campaign: string, now: Date): Promise<GateDecision[]>;
  decisions(leadKey: string): Promise<DecisionRecord[]>;
  dispositionCounts(campaign: string): Promise<Record<string, number>>;
  /** Outcomes by disposition per UTC hour or day, oldest first, ending with the bucket of `end`. */
  outcomeSeries(campaign: string, unit: "hour" | "day", end: Date, count: number): Promise<SeriesBucket[]>;
  deadLetters: {
    list(start: number, end: number): Promise<DeadLetterEntry[]>;
    count(): Promise<number>;
    replay(id: string): Promise<boolean>;
    discard(id: string): Promise<boolean>;
  };
}

/** Held leads read to explain "held by rule" (a sample: a queue may hold 100k). */
const heldSample = 500;
/** Dispositions that mean a person answered (contact rate). */
const contactDispositions = new Set(["connected", "not_interested", "callback", "appointment_set"]);

function maskLead(lead: Lead): Lead {
  return {
    ...lead,
    phone: maskPhone(lead.phone),
    ...(lead.altPhones ? { altPhones: lead.altPhones.map(maskPhone) } : {}),
    ...(lead.email ? { email: maskEmail(lead.email) } : {}),
  };
}

/** Field values of a raw CRM record with phone- and email-shaped strings masked. */
function maskRaw(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(fields).map(([name, value]) => {
      if (typeof value !== "string") return [name, value];
      if (value.includes("@")) return [name, maskEmail(value)];
      if ((value.match(/\d/g) ?? []).length >= 7) return [name, maskPhone(value)];
      return [name, value];
    }),
  );
}

/**
 * The admin page's read model: integrations, sources, a mapping preview on real CRM records, campaign
 * reports and a lead's story. Phones and emails leave masked.
 */
export class AdminData {
  constructor(private readonly deps: AdminDependencies) {}

  async overview() {
    const { config } = this.deps;
    const integrations = await Promise.all(
      Object.entries(config.integrations).map(async ([id, integration]) => {
        const connector = this.deps.connector(id);
        const pause = await connector.currentPause?.();
        const counts = await this.deps
          .writebackQueue(id)
          .getJobCounts("waiting", "active", "delayed", "failed");
        return {
          id,
          vendor: integration.vendor,
          writeback: counts,
          pause: pause ? { until: new Date(pause.untilEpochMs).toISOString(), reason: pause.reason } : null,
          limits: connector.limits,
        };
      }),
    );
    const sources = await Promise.all(
      config.sources.map(async (source) => {
        const runs = await this.deps.syncRuns(source.id, 5);
        return {
          id: source.id,
          integration: source.integration,
          campaign: source.campaign,
          every: source.every ?? null,
          lastRun: runs[0] ?? null,
          runs,
        };
      }),
    );
    const campaigns = await Promise.all(
      Object.entries(config.campaigns).map(async ([id, campaign]) => ({
        id,
        description: campaign.description ?? "",
        ...(await this.counts(id)),
      })),
    );
    return { now: this.deps.now().toISOString(), integrations, sources, campaigns };
  }

  private async counts(campaign: string) {
    const counts = await this.deps
      .dialQueue(campaign)
      .getJobCounts("waiting", "prioritized", "delayed", "active", "completed");
    return {
      waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
      held: counts.delayed ?? 0,
      leased: counts.active ?? 0,
      done: counts.completed ?? 0,
    };
  }

  /** The first `limit` records of a source, straight from the CRM: raw → canonical → gate decision. */
  async preview(sourceId: string, limit: number) {
    const source = this.deps.config.sources.find((s) => s.id === sourceId);
    if (!source) return undefined;
    const mapping = this.deps.config.mappings[source.mapping];
    if (!mapping) return undefined;
    const pages = this.deps.connector(source.integration).pull({
      select: source.select,
      fields: fieldsRead(mapping),
      cursor: undefined,
      sourceId: source.id,
    });
    const records = [];
    for await (const page of pages) {
      records.push(...page.records.slice(0, limit - records.length));
      if (records.length >= limit) break;
    }
    const mapped = records.map((record) => ({
      record,
      result: mapRecord(record, source.integration, mapping),
    }));
    const leads = mapped.flatMap((m) => (m.result.ok && !m.result.lead.doNotCall ? [m.result.lead] : []));
    const now = this.deps.now();
    const decisions = await this.deps.decide(leads, source.campaign, now);
    const byLead = new Map(leads.map((lead, i) => [lead, decisions[i]]));
    return {
      source: source.id,
      campaign: source.campaign,
      decidedAt: now.toISOString(),
      rows: mapped.map(({ record, result }) => {
        const raw = { id: record.id, objectType: record.objectType, fields: maskRaw(record.fields) };
        if (!result.ok) return { raw, problems: result.problems };
        const decision = byLead.get(result.lead);
        return {
          raw,
          lead: maskLead(result.lead),
          decision: result.lead.doNotCall
            ? { decision: "block", text: "do not call (CRM flag): never queued" }
            : decision
              ? { decision: decision.decision, text: formatDecision(decision) }
              : null,
        };
      }),
    };
  }

  /** Sales ops' view: where the leads are, why held ones are held, what the calls gave. */
  async campaign(campaign: string) {
    const config = this.deps.config.campaigns[campaign];
    if (!config) return undefined;
    const queue = this.deps.dialQueue(campaign);
    const now = this.deps.now();
    const [counts, dispositions, held, hourly, daily] = await Promise.all([
      this.counts(campaign),
      this.deps.dispositionCounts(campaign),
      queue.getJobs(["delayed"], 0, heldSample - 1, true),
      this.deps.outcomeSeries(campaign, "hour", now, 24),
      this.deps.outcomeSeries(campaign, "day", now, 14),
    ]);
    const heldLeads = held.map((job) => job.data.lead);
    const decisions = await this.deps.decide(heldLeads, campaign, now);
    const heldByRule: Record<string, number> = {};
    decisions.forEach((decision) => {
      const rule = decision.decision === "allow" ? "retry or callback wait (gate allows)" : decision.rule.id;
      heldByRule[rule] = (heldByRule[rule] ?? 0) + 1;
    });
    const attempts: Record<string, number> = {};
    for (const job of held) {
      const n = String(job.data.attempts ?? 0);
      attempts[n] = (attempts[n] ?? 0) + 1;
    }
    const total = Object.values(dispositions).reduce((a, b) => a + b, 0);
    const contacts = Object.entries(dispositions)
      .filter(([d]) => contactDispositions.has(d))
      .reduce((a, [, n]) => a + n, 0);
    const retried = held.filter((job) => (job.data.attempts ?? 0) > 0);
    const until = await this.deps.heldUntil(
      campaign,
      retried.map((job) => job.id ?? ""),
    );
    const callbacksDue = retried
      .map((job, i) => ({
        leadKey: job.data.lead.key,
        // BullMQ's own delay runs a fallback margin past the due time (`bullmqFallbackMs`).
        dueAt: new Date(
          until[i] ?? (job.timestamp ?? 0) + Math.max(0, (job.opts.delay ?? 0) - bullmqFallbackMs),
        ).toISOString(),
        attempts: job.data.attempts ?? 0,
      }))
      .sort((a, b) => a.dueAt.localeCompare(b.dueAt))
      .slice(0, 20);
    return {
      campaign,
      description: config.description ?? "",
      ...counts,
      heldByRule,
      heldSampled: held.length,
      outcomesByDisposition: dispositions,
      /** Outcomes by disposition over the last 24 UTC hours and 14 UTC days (telesync's clock). */
      overTime: { hourly, daily },
      contactRate: total === 0 ? null : contacts / total,
      attemptsPerHeldLead: attempts,
      callbacksDue,
    };
  }

  /** A lead's story: where it is in each campaign, and every decision recorded about it. */
  async lead(leadKey: string) {
    const placements = [];
    for (const campaign of Object.keys(this.deps.config.campaigns)) {
      const job = await this.deps.dialQueue(campaign).getJob(dialJobId(leadKey));
      if (!job) continue;
      placements.push({
        campaign,
        state: await job.getState(),
        attempts: job.data.attempts ?? 0,
        lead: maskLead(job.data.lead),
        queuedAt: new Date(job.timestamp).toISOString(),
        finishedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
        result: job.returnvalue ?? null,
      });
    }
    return { leadKey, placements, decisions: await this.deps.decisions(leadKey) };
  }

  async deadLetters() {
    const entries = await this.deps.deadLetters.list(0, 99);
    return {
      count: await this.deps.deadLetters.count(),
      entries: entries.map((entry) => ({
        id: entry.id,
        failedAt: entry.failedAt,
        attempts: entry.attempts,
        error: entry.error,
        kind: entry.job.kind,
        lead: `${entry.job.lead.integration}/${entry.job.lead.objectType}/${entry.job.lead.crmId}`,
        what: entry.job.kind === "outcome" ? entry.job.outcome.outcomeId : entry.job.id,
      })),
    };
  }
}
