/**
 * Every Redis key name telesync uses, built here and nowhere else, and which keys share a Redis
 * Cluster slot (a hash tag, `{…}`; Redis hashes only the tag when a key has one).
 *
 * Two layouts, chosen by `redis.prefix`:
 * - **single slot** — the prefix carries a hash tag (the default `{telesync}`): every key is
 *   `<prefix>:<name>`, so all of telesync lives in one slot. The layout of every release before
 *   tags; kept byte for byte so existing deployments read their keys unchanged.
 * - **tagged** — the prefix has no hash tag (e.g. `telesync`): every key is
 *   `<prefix>:{<tag>}:<name>`, with one tag per campaign (its dial queue, due index, stats,
 *   abandonment counters), per integration (writeback queue, breaker, token, write ledger, change
 *   stream, webhook dedupe), per source (sync state), per rate-limit bucket, and one per global
 *   family (sync and dead-letter queues, do-not-call list, phone index, attempts, outcomes…).
 *   What one Lua script or MULTI touches always shares a tag, so it runs on a Redis Cluster.
 *
 * `<name>` is the same in both layouts, so a key is found by the same `SCAN MATCH <prefix>*`.
 */

/** Whether `key` holds a Redis Cluster hash tag: a `{` followed later by a `}` with something between. */
export function hasHashTag(key: string): boolean {
  const open = key.indexOf("{");
  if (open < 0) return false;
  const close = key.indexOf("}", open + 1);
  return close > open + 1;
}

/** What Redis hashes for a key's slot: its hash tag's content, or the whole key without one. */
export function slotPart(key: string): string {
  const open = key.indexOf("{");
  const close = open < 0 ? -1 : key.indexOf("}", open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
}

/** Which keys share a slot in the tagged layout. */
export const slotTags = {
  campaign: (campaign: string) => `c:${campaign}`,
  integration: (integration: string) => `i:${integration}`,
  source: (sourceId: string) => `s:${sourceId}`,
  rateBucket: (bucket: string) => `rl:${bucket}`,
  syncQueue: "q:sync",
  deadLetterQueue: "q:dead-letter",
  outcomeNotifyQueue: "q:outcome-notify",
  /** The internal do-not-call list (set and metadata, changed together). */
  doNotCall: "dnc",
  /** Which queued leads carry a number, and the lead last leased for it. */
  phones: "phones",
  /** Attempts and attempt reservations of every number: a lead's numbers are reserved in one script. */
  attempts: "attempts",
  /** Outcome acceptance (seen keys) and receipts. */
  outcomes: "outcomes",
  consent: "consent",
  decisions: "decisions",
  compliance: "compliance",
  registry: "registry",
  lookup: "lookup",
  admin: "admin",
} as const;

/** The key names under one prefix. */
export class RedisKeys {
  /** The prefix carries its own hash tag: every key in its one slot, named as before tags. */
  readonly singleSlot: boolean;

  constructor(readonly prefix: string) {
    this.singleSlot = hasHashTag(prefix);
  }

  /** `<prefix>:{<tag>}:<name>`, or `<prefix>:<name>` in the single-slot layout. */
  key(tag: string, name: string): string {
    return `${this.slot(tag)}:${name}`;
  }

  /** The part before a key's name: BullMQ's `prefix` option for a queue whose keys share `tag`. */
  slot(tag: string): string {
    return this.singleSlot ? this.prefix : `${this.prefix}:{${tag}}`;
  }

  /** A key named `name` in the slot of `key` (a key telesync built under this prefix). */
  besides(key: string, name: string): string {
    return this.singleSlot ? this.key("", name) : this.key(slotPart(key), name);
  }

  // Campaign: a dial queue and everything kept per campaign.
  dialQueuePrefix(campaign: string): string {
    return this.slot(slotTags.campaign(campaign));
  }
  dueIndex(campaign: string): string {
    return this.key(slotTags.campaign(campaign), `dial-due:${campaign}`);
  }
  campaignStats(campaign: string, part: "dispositions" | "compliance-flags" | "answers"): string {
    return this.key(slotTags.campaign(campaign), `stats:${campaign}:${part}`);
  }
  /** An accepted outcome's lead move until it is applied (`LeadTransitions`), in its campaign's slot. */
  outcomePending(campaign: string, jobId: string): string {
    return this.key(slotTags.campaign(campaign), `outcome-pending:${campaign}:${jobId}`);
  }
  /** Sync-time holds of a campaign, one entry per page and (rule, until): the compact decision audit. */
  decisionPages(campaign: string): string {
    return this.key(slotTags.campaign(campaign), `decision-pages:${campaign}`);
  }
  /** Outcomes by disposition in one UTC hour or day bucket (its start, ms) on telesync's clock. */
  outcomeBucket(campaign: string, unit: "hour" | "day", start: number): string {
    return this.key(slotTags.campaign(campaign), `stats:${campaign}:outcomes:${unit}:${start}`);
  }
  abandonment(campaign: string, day: string): string {
    return this.key(slotTags.campaign(campaign), `abandonment:${campaign}:${day}`);
  }

  // Integration: its writeback queue and its connection's state.
  writebackQueuePrefix(integration: string): string {
    return this.slot(slotTags.integration(integration));
  }
  breaker(integration: string): string {
    return this.key(slotTags.integration(integration), `breaker:${integration}`);
  }
  /** Credentials the CRM refused (`AuthPause`): writeback waits for them to be fixed. */
  authFailed(integration: string): string {
    return this.key(slotTags.integration(integration), `auth-failed:${integration}`);
  }
  token(integration: string): string {
    return this.key(slotTags.integration(integration), `token:${integration}`);
  }
  changeStream(integration: string): string {
    return this.key(slotTags.integration(integration), `change-stream:${integration}`);
  }
  writeLedger(kind: "written" | "sending", integration: string, hash: string): string {
    return this.key(slotTags.integration(integration), `${kind}:${integration}:${hash}`);
  }
  webhookSeen(integration: string, digest: string): string {
    return this.key(slotTags.integration(integration), `webhook-seen:${integration}:${digest}`);
  }

  /** A rate-limit bucket's window log, pause and learned limit (one script touches them together). */
  rateLimit(kind: "rl" | "rl-pause" | "rl-learned", bucket: string): string {
    return this.key(slotTags.rateBucket(bucket), `${kind}:${bucket}`);
  }

  /** A source's sync state: `cursor`, `members`, `lock`, `fence`, `current`, `runs`, `seen:<run>`. */
  source(sourceId: string, part: string): string {
    return this.key(slotTags.source(sourceId), `source:${sourceId}:${part}`);
  }

  get syncQueuePrefix(): string {
    return this.slot(slotTags.syncQueue);
  }
  get deadLetterQueuePrefix(): string {
    return this.slot(slotTags.deadLetterQueue);
  }
  get outcomeNotifyQueuePrefix(): string {
    return this.slot(slotTags.outcomeNotifyQueue);
  }

  doNotCall(part: "phones" | "meta"): string {
    return this.key(slotTags.doNotCall, `dnc:${part}`);
  }
  /**
   * `phoneHash`: the number's HMAC (`src/security/phone-keys.ts`), never the number; the phone index
   * writes buckets named by its first 3 hex digits (`PhoneIndex`), and reads the whole-hash keys
   * written before buckets.
   */
  phoneJobs(phoneHash: string): string {
    return this.key(slotTags.phones, `phone-jobs:${phoneHash}`);
  }
  phoneLastLease(phoneHash: string): string {
    return this.key(slotTags.phones, `phone-last-lease:${phoneHash}`);
  }
  attempts(phoneHash: string): string {
    return this.key(slotTags.attempts, `attempts:${phoneHash}`);
  }
  outcomeSeen(outcomeHash: string): string {
    return this.key(slotTags.outcomes, `outcome-seen:${outcomeHash}`);
  }
  receipt(outcomeHash: string): string {
    return this.key(slotTags.outcomes, `receipt:${outcomeHash}`);
  }
  /**
   * An integration's writeback outbox (a stream): outcome jobs appended by the acceptance script,
   * moved into the writeback queue by `OutboxRelay`. In the outcomes slot, beside the seen key and
   * the receipt the same script writes (not `writeback-…`: that family is the integration's queue);
   * `writebackOutboxRelay`: the fenced lock of the relay moving it (`acquireFencedLock`).
   */
  writebackOutbox(integration: string): string {
    return this.key(slotTags.outcomes, `outbox:${integration}`);
  }
  writebackOutboxRelay(integration: string): { lock: string; fence: string } {
    return {
      lock: this.key(slotTags.outcomes, `outbox:${integration}:lock`),
      fence: this.key(slotTags.outcomes, `outbox:${integration}:fence`),
    };
  }
  /** An appointment's latest changeId (reschedules and cancels: only the latest is written). */
  appointmentLatest(appointmentHash: string): string {
    return this.key(slotTags.outcomes, `appointment-latest:${appointmentHash}`);
  }
  consentLead(leadKey: string): string {
    return this.key(slotTags.consent, `consent:lead:${leadKey}`);
  }
  consentPhone(phoneHash: string): string {
    return this.key(slotTags.consent, `consent:phone:${phoneHash}`);
  }
  decisions(leadKey: string): string {
    return this.key(slotTags.decisions, `decisions:${leadKey}`);
  }
  compliance(part: "emergencies" | "emergency-audit"): string {
    return this.key(slotTags.compliance, `compliance:${part}`);
  }
  registry(part: string): string {
    return this.key(slotTags.registry, `registry:${part}`);
  }
  lookup(part: string): string {
    return this.key(slotTags.lookup, part);
  }
  adminSession(sessionHash: string): string {
    return this.key(slotTags.admin, `admin-session:${sessionHash}`);
  }
}

const byPrefix = new Map<string, RedisKeys>();

/** The key names under `prefix` (one instance per prefix: the builders are called on hot paths). */
export function redisKeys(prefix: string): RedisKeys {
  let keys = byPrefix.get(prefix);
  if (!keys) {
    keys = new RedisKeys(prefix);
    byPrefix.set(prefix, keys);
  }
  return keys;
}
