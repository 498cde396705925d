import { createHmac, randomBytes } from "node:crypto";
import type { CrmConnector, PhoneMatch, PhoneQuery, PhoneSource } from "../../connectors/types.js";
import type { SuppressionList } from "../consent/suppression.js";
import { leadKey } from "../model/lead.js";
import { maskPhone } from "../observability/mask.js";
import type { Redis } from "../queues/connection.js";
import type { DialQueueRegistry } from "../queues/dial-queue-registry.js";
import { redisKeys } from "../queues/keys.js";
import { phoneQuery } from "./phone-forms.js";
import type { RecentActivity, RecentActivityReader } from "./recent-activity.js";

/** The CRM part of a screen pop is cached this long: long enough for a ringing phone and a retry. */
export const lookupCacheTtlMs = 30_000;

export interface LookupRecord {
  integration: string;
  objectType: string;
  id: string;
  /** telesync's key for the lead (`<integration>/<objectType>/<crmId>`). */
  leadKey: string;
  name?: string;
  phoneField: string;
  /** Masked: the caller already has the number; a response body is not the place to repeat it. */
  phone: string;
  url?: string;
  /** The lead's job in each campaign queue that has one (waiting, delayed, active = leased, completed…). */
  queued: Array<{ campaign: string; state: string; attempts: number }>;
}

export interface LookupResult {
  phone: string;
  /** Internal do-not-call list: a suppressed number is never leased, whatever the CRM says. */
  consent: { suppressed: boolean; source?: string; at?: string; reason?: string };
  records: LookupRecord[];
  /** Integrations that could not answer now (their records are missing from `records`). */
  unavailable: Array<{ integration: string; reason: string }>;
  /** Whether the CRM records came from the short-lived cache. */
  cached: boolean;
  /** telesync's recent activity on the number: last lease and latest outcomes (read fresh). */
  recent: RecentActivity;
}

export class InvalidPhoneError extends Error {
  override readonly name = "InvalidPhoneError";
}

export interface PhoneLookupDependencies {
  redis: Pick<Redis, "get" | "set">;
  prefix: string;
  /** Reads numbers written without a country code. */
  defaultCountry: string;
  /** Connectors that can search by phone, by integration id. */
  connectors: ReadonlyArray<{
    integrationId: string;
    connector: Pick<CrmConnector, "findByPhone" | "classifyError">;
    /** The integration's sources, so its search also covers the objects they pull (Account, custom objects). */
    sources?: readonly PhoneSource[];
  }>;
  dialQueues: Pick<DialQueueRegistry, "jobsOfLead">;
  suppression: Pick<SuppressionList, "firstSuppressed" | "entry">;
  /** The number's last lease and latest outcomes; without it, `recent` is empty. */
  recentActivity?: Pick<RecentActivityReader, "of">;
  cacheTtlMs?: number;
}

interface CachedMatches {
  matches: Array<PhoneMatch & { integration: string }>;
}

interface CrmAnswer extends CachedMatches {
  unavailable: LookupResult["unavailable"];
  cached: boolean;
  /**
   * A searched answer's records with their queue state, each integration's read as soon as it
   * answered (while the others' searches run) rather than after the slowest one.
   */
  records?: Promise<LookupRecord[]>;
}

/**
 * Screen pop: the CRM records carrying a number, across integrations, with telesync's own view of
 * each lead (queue state per campaign) and of the number (consent). The CRM answer is cached in Redis
 * under a keyed hash of the number (no digits in key names); queue and consent state are read fresh
 * on every call, so an opt-out shows at once.
 */
export class PhoneLookup {
  private hashKey: Promise<Buffer> | undefined;
  /**
   * CRM answers being fetched, by number: screen pops of one number that arrive together (a call
   * ringing on several agents' screens, a retry) share one search per integration instead of each
   * spending a slot of the vendor's search budget. Dropped once answered (the Redis cache takes over).
   */
  private readonly inFlight = new Map<string, Promise<CrmAnswer>>();

  constructor(private readonly deps: PhoneLookupDependencies) {}

  async lookup(input: string, country?: string): Promise<LookupResult> {
    const query = phoneQuery(input, country ?? this.deps.defaultCountry);
    if (!query) throw new InvalidPhoneError(`"${maskPhone(input)}" is not a valid phone number`);
    // Consent does not depend on the CRM: read alongside the cache and the search, not after them.
    const consent = this.consentOf(query.e164);
    consent.catch(() => {});
    const recent = this.deps.recentActivity?.of(query.e164) ?? Promise.resolve({ outcomes: [] });
    recent.catch(() => {});
    const answer = await this.crmAnswer(query);
    const [records, consentState, recentActivity] = await Promise.all([
      answer.records ?? Promise.all(answer.matches.map((match) => this.withQueueState(match))),
      consent,
      recent,
    ]);
    return {
      phone: maskPhone(query.e164),
      consent: consentState,
      records,
      unavailable: answer.unavailable,
      cached: answer.cached,
      recent: recentActivity,
    };
  }

  /** The CRM records for the number: from the cache, from a search already in flight, or searched now. */
  private crmAnswer(query: PhoneQuery): Promise<CrmAnswer> {
    const running = this.inFlight.get(query.e164);
    if (running) return running;
    const answer = this.cachedOrSearched(query).finally(() => this.inFlight.delete(query.e164));
    this.inFlight.set(query.e164, answer);
    return answer;
  }

  private async cachedOrSearched(query: PhoneQuery): Promise<CrmAnswer> {
    const cacheKey = redisKeys(this.deps.prefix).lookup(`lookup:${await this.hash(query.e164)}`);
    const cachedRaw = await this.deps.redis.get(cacheKey);
    if (cachedRaw)
      return { matches: (JSON.parse(cachedRaw) as CachedMatches).matches, unavailable: [], cached: true };
    const { matches, unavailable, records } = await this.searchAll(query);
    // A partial answer is not cached: the next screen pop asks the integration that failed again.
    // Not awaited: the caller's answer does not wait for the cache write (a failed write only costs
    // the next lookup a search).
    if (unavailable.length === 0)
      this.deps.redis
        .set(
          cacheKey,
          JSON.stringify({ matches } satisfies CachedMatches),
          "PX",
          this.deps.cacheTtlMs ?? lookupCacheTtlMs,
        )
        .catch(() => {});
    return { matches, unavailable, cached: false, records };
  }

  private async searchAll(query: PhoneQuery): Promise<{
    matches: CachedMatches["matches"];
    unavailable: LookupResult["unavailable"];
    records: Promise<LookupRecord[]>;
  }> {
    const searchable = this.deps.connectors.filter((each) => each.connector.findByPhone !== undefined);
    const settled = await Promise.allSettled(
      searchable.map(async ({ integrationId, connector, sources }) => {
        const matches = ((await connector.findByPhone?.(query, sources)) ?? []).map((match) => ({
          ...match,
          integration: integrationId,
        }));
        const records = Promise.all(matches.map((match) => this.withQueueState(match)));
        // Awaited below once every integration answered; a failure surfaces there, not as unhandled.
        records.catch(() => {});
        return { matches, records };
      }),
    );
    const matches: CachedMatches["matches"] = [];
    const unavailable: LookupResult["unavailable"] = [];
    const records: Array<Promise<LookupRecord[]>> = [];
    settled.forEach((outcome, i) => {
      const each = searchable[i];
      if (!each) return;
      if (outcome.status === "fulfilled") {
        matches.push(...outcome.value.matches);
        records.push(outcome.value.records);
      } else
        unavailable.push({
          integration: each.integrationId,
          reason: each.connector.classifyError(outcome.reason).reason,
        });
    });
    return { matches, unavailable, records: Promise.all(records).then((parts) => parts.flat()) };
  }

  private async withQueueState(match: CachedMatches["matches"][number]): Promise<LookupRecord> {
    const key = leadKey(match.integration, match.objectType, match.id);
    const jobs = await this.deps.dialQueues.jobsOfLead(key);
    const queued = await Promise.all(
      jobs.map(async ({ campaign, job }) => ({
        campaign,
        state: await job.getState(),
        attempts: job.data.attempts ?? 0,
      })),
    );
    return {
      integration: match.integration,
      objectType: match.objectType,
      id: match.id,
      leadKey: key,
      ...(match.name ? { name: match.name } : {}),
      phoneField: match.phoneField,
      phone: maskPhone(match.phone),
      ...(match.url ? { url: match.url } : {}),
      queued,
    };
  }

  private async consentOf(e164: string): Promise<LookupResult["consent"]> {
    const suppressed = (await this.deps.suppression.firstSuppressed([e164])) !== undefined;
    if (!suppressed) return { suppressed };
    const entry = await this.deps.suppression.entry(e164);
    return {
      suppressed,
      ...(entry ? { source: entry.source, at: entry.at } : {}),
      ...(entry?.reason ? { reason: entry.reason } : {}),
    };
  }

  /**
   * HMAC-SHA256 of the number under a random key kept in Redis (created once, shared by every
   * instance): cache keys show up in SCAN, MONITOR and memory reports, numbers must not.
   */
  private async hash(e164: string): Promise<string> {
    this.hashKey ??= this.loadHashKey().catch((error: unknown) => {
      this.hashKey = undefined;
      throw error;
    });
    return createHmac("sha256", await this.hashKey)
      .update(e164)
      .digest("base64url");
  }

  private async loadHashKey(): Promise<Buffer> {
    const name = redisKeys(this.deps.prefix).lookup("lookup-hash-key");
    await this.deps.redis.set(name, randomBytes(32).toString("base64"), "NX");
    const stored = await this.deps.redis.get(name);
    if (!stored) throw new Error("lookup hash key missing in Redis");
    return Buffer.from(stored, "base64");
  }
}
