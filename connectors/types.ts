import type { z } from "zod";
import type { ErrorClass } from "../src/errors.js";
import type { ChangeStream, ChangeStreamHandlers, WebhookReceiver } from "./changes.js";
import type {
  ActivityWrite,
  AppointmentChange,
  AppointmentChangeResult,
  ConsentResult,
  ConsentWrite,
  LeadCreate,
  LeadCreateResult,
  WriteResult,
} from "./writes.js";

export type * from "./changes.js";
export type * from "./writes.js";

/** A record as the CRM returned it, flattened to field name → value (relationship paths kept dotted). */
export interface CrmRecord {
  /** Lead/Contact/contacts…: the object the lead lives on in the CRM. */
  objectType: string;
  id: string;
  /** ISO 8601 last-modified time (Salesforce SystemModstamp, HubSpot lastmodifieddate). */
  modifiedAt: string;
  fields: Record<string, unknown>;
  /**
   * What membership of the source this record stands for. Object sources use the record id; a
   * Salesforce campaign source uses the CampaignMember id. Removals name the same ref.
   */
  sourceRef: string;
  /** The membership record when the source is a CRM list/campaign (its id and status). */
  membership?: { id: string; status?: string };
}

/** A source of the integration, as `liveCheck` probes it. */
export interface LiveCheckSource {
  id: string;
  /** The source's vendor-specific `select` block. */
  select: unknown;
  /** CRM fields its mapping reads. */
  fields: string[];
}

/** One finding of `telesync check --live`. */
export interface LiveCheckRow {
  /** What was checked: `integration sf`, `source open_leads`… */
  subject: string;
  /** Which check: `token`, `scopes`, `identity`, `property telesync_do_not_call`, `probe`… */
  check: string;
  status: "ok" | "warn" | "error";
  detail: string;
  /** What to do about a warn or error. */
  fix?: string;
}

/** One page of a pull: apply `records` and `removedRefs`, then checkpoint `cursor`. */
export interface PullPage {
  records: CrmRecord[];
  /** `sourceRef`s that left the source: deleted, no longer matching, removed from the campaign/list. */
  removedRefs: string[];
  /** Opaque, JSON-serialisable; passed back to `pull` to resume after this page. */
  cursor: unknown;
  /**
   * Records the whole pull expects, when the CRM says so (Salesforce `totalSize`): a hint for
   * progress and ETA only, never for correctness (look-back re-reads and removals do not match it).
   */
  expectedRecords?: number;
  /**
   * A membership reconcile (sources whose leavers the CRM cannot list, e.g. HubSpot searches):
   * `sourceRef`s that belong to the source now, ids only, not records to apply.
   */
  present?: string[];
  /**
   * The reconcile is complete: every ref that belongs was in `present` of this pull's pages since
   * it began, so members not among them have left the source.
   */
  membershipComplete?: boolean;
}

export interface PullRequest {
  /** The source's vendor-specific `select` block from the config (validated by the connector's schema). */
  select: unknown;
  /** CRM fields the mappings read; the connector adds the ones it needs itself (id, modified time…). */
  fields: string[];
  /** `undefined` = from the beginning (a full pull). */
  cursor: unknown;
  /** Source id, for logs and keys. */
  sourceId: string;
}

export interface FieldDescription {
  name: string;
  label: string;
  type: string;
  /** Allowed values when the field is a picklist/enumeration. */
  picklistValues?: string[];
  updateable: boolean;
  /** Values are unique and an upsert may name records by them (Salesforce External ID, HubSpot unique-value property). */
  unique?: boolean;
}

/** Vendor limits and quirks, kept as data in one place per connector. */
export interface ConnectorLimits {
  /** Max records per pull page the connector asks for. */
  pullPageSize: number;
  /** Max records per activity-write request (Salesforce collections 200, HubSpot batch 100). */
  writeBatchSize: number;
}

/**
 * What the core calls on a CRM. Every vendor implements it in `connectors/<vendor>/`; the core never
 * imports a vendor SDK. One conformance suite runs against every implementation.
 */
export interface CrmConnector {
  readonly vendor: string;
  readonly integrationId: string;
  readonly limits: ConnectorLimits;
  /** Validate a source's `select` block; throws a message naming what is wrong. */
  validateSelect(select: unknown): void;
  /** Pull a source page by page from `cursor`; each page is checkpointed by the caller. */
  pull(request: PullRequest): AsyncIterable<PullPage>;
  /** Fields of an object, for mapping checks. */
  describe(objectType: string): Promise<FieldDescription[]>;
  /**
   * Write up to `limits.writeBatchSize` call activities (with notes, lead updates, membership status,
   * do-not-call). One result per input, in input order; one bad record never fails its neighbours.
   * When `checkExisting` is set (a retry after an ambiguous failure), activities already stored under
   * the same outcomeId are found and not created again.
   */
  writeActivities(batch: ActivityWrite[], options: { checkExisting: boolean }): Promise<WriteResult[]>;
  /** Write do-not-call changes; one result per input, in input order. */
  writeConsent(batch: ConsentWrite[]): Promise<ConsentResult[]>;
  /**
   * Create (or find again) the lead records of `create-lead` inbound calls: one upsert on each
   * item's `idField`, up to `limits.writeBatchSize` per call. One result per input, in input order.
   */
  createLeads?(batch: LeadCreate[]): Promise<LeadCreateResult[]>;
  /**
   * Reschedule or cancel appointments by record id (Salesforce: Event update / delete; HubSpot:
   * meeting times / outcome CANCELED). Cancelling one already gone succeeds. One result per input.
   */
  changeAppointments?(batch: AppointmentChange[]): Promise<AppointmentChangeResult[]>;
  /** Classify any error thrown by this connector (or its SDK) into retry / rate-limited / auth / permanent. */
  classifyError(error: unknown): ErrorClass;
  /** The request budgets left (shared rate windows, the vendor's daily allowance), for metrics. */
  rateBudget?(): Promise<RateBudget[]>;
  /** A pause the CRM imposed that is still in force (e.g. a daily limit), for `/healthz` and stats. */
  currentPause?(): Promise<{ untilEpochMs: number; reason: string } | undefined>;
  /** Check that the credentials work (used by `telesync check`). */
  verifyCredentials(): Promise<void>;
  /**
   * `telesync check --live`: a token fetched now from the configured credentials (never a cached
   * one), the scopes it carries, vendor settings the admin must create (e.g. HubSpot properties and
   * their types), and a one-record probe of each source's selection. Every finding is a row; the
   * method throws only for a bug, never for a finding.
   */
  liveCheck?(sources: readonly LiveCheckSource[]): Promise<LiveCheckRow[]>;
  /**
   * Read these records now (a CRM event said they changed), with the fields the mappings read. Ids
   * the CRM no longer has are left out. Lets the core re-sync one record instead of a whole source.
   */
  fetchRecords?(request: FetchRequest): Promise<CrmRecord[]>;
  /** The CRM object a call activity is stored as (Salesforce `Task`, HubSpot `calls`), for receipts. */
  readonly activityObjectType?: string;
  /**
   * Where a person opens a record in the CRM's UI, for receipts; undefined when the connector cannot
   * tell (e.g. a HubSpot portal id not configured).
   */
  recordUrl?(objectType: string, id: string): string | undefined;
  /**
   * The lead records carrying this number (screen-pop lookup): Lead/Contact phone fields, HubSpot
   * contact phone properties. Takes its slot of the integration's shared rate budget like every call.
   * Only exact matches of the number come back (the CRM's own search may be fuzzier).
   */
  findByPhone?(query: PhoneQuery, sources?: readonly PhoneSource[]): Promise<PhoneMatch[]>;
  /**
   * Where appointments go and the field/property that must hold telesync's appointment id (an admin
   * creates it), for `telesync check --live`.
   */
  readonly appointments?: { objectType: string; idField: string };
  /**
   * `telesync check --live`: what the CRM says against a source (its object exists, the mapped
   * `phoneFields` are phone-typed, activities may be logged on it, the do-not-call field exists and is
   * a checkbox…); one line per problem.
   */
  checkSource?(select: unknown, phoneFields: readonly string[]): Promise<string[]>;
  /** Present when the integration is set up to receive the CRM's webhooks (e.g. a secret is configured). */
  readonly webhooks?: WebhookReceiver;
  /**
   * Present when the integration is set up to stream the CRM's changes (Salesforce Change Data
   * Capture): subscribes for the objects the sources read and emits the same canonical change events
   * as the webhook receivers, resuming from the stored positions.
   */
  readonly subscribeChanges?: (handlers: ChangeStreamHandlers) => Promise<ChangeStream>;
  close(): Promise<void>;
}

/** One number in the forms a CRM may store it, computed by the core (connectors hold no phone library). */
export interface PhoneQuery {
  /** E.164, e.g. +14155550100. */
  e164: string;
  /** The national significant number's digits, e.g. 4155550100. */
  nationalDigits: string;
  /** Written forms people and imports store: E.164, national, international, digits only… (distinct). */
  forms: string[];
}

/**
 * A source of the integration, for a phone search that should also cover the objects it pulls
 * (e.g. a Salesforce Account or custom object): its `select` and the fields its mapping reads as
 * `phone` / `altPhones`. The connector allow-lists both against the CRM's schema.
 */
export interface PhoneSource {
  select: Record<string, unknown>;
  phoneFields: readonly string[];
}

/** A CRM record that carries the number looked up. */
export interface PhoneMatch {
  /** As in `CrmRecord.objectType` (Lead, Contact, contacts). */
  objectType: string;
  id: string;
  name?: string;
  /** The field/property holding the number, and its value as stored. */
  phoneField: string;
  phone: string;
  /** Where a person opens the record in the CRM, when the connector knows the UI host. */
  url?: string;
}

export interface FetchRequest {
  /** The CRM object the records live on (as in `CrmRecord.objectType`). */
  objectType: string;
  ids: string[];
  /** CRM fields the mappings read; the connector adds the ones it needs itself. */
  fields: string[];
}

/** Where in a source's `select` block a problem is, and what to do about it. */
export interface SelectProblem {
  path: (string | number)[];
  message: string;
}

/**
 * How outcomes are worded on the CRM side, normalised over vendors so the core never needs to know
 * whether the vendor calls it a Task subject or a call title.
 */
export interface ActivitySettings {
  /** Subject/title of the call activity; `{disposition}` and `{campaign}` are replaced. */
  subjectTemplate: string;
  /**
   * Whether the CRM's disposition value reads as words (Salesforce CallDisposition "Left Voicemail")
   * and so fills `{disposition}`; otherwise (HubSpot outcome GUIDs) the canonical label does.
   */
  dispositionValueIsText: boolean;
  /** Dialer agent id or email → CRM user/owner id. */
  agentOwners: Record<string, string>;
}

/**
 * One vendor as the core sees it: its config schema, the checks a config gets before anything runs,
 * and how to build its connector. Listed once in `connectors/registry.ts`.
 */
export interface VendorModule<Config extends { vendor: string }> {
  readonly vendor: Config["vendor"];
  /**
   * Every problem of a source's `select` block that a pull would refuse later, with its path.
   * `errorMap` is the core's wording for schema issues (e.g. "did you mean" for unknown keys).
   */
  checkSelect(select: unknown, errorMap?: z.core.$ZodErrorMap): SelectProblem[];
  /** The objects an inbound `create-lead` may create a lead on (Salesforce `Lead`, HubSpot `contacts`). */
  readonly leadObjectTypes: readonly string[];
  /** The CRM objects a source's leads live on, for schema checks (`telesync check --live`). */
  sourceObjectTypes(select: Record<string, unknown>): string[];
  /** Why a field name a mapping reads could never be pulled from this vendor (a pull would refuse it). */
  fieldNameProblem(name: string): string | undefined;
  /**
   * What an admin should know about a valid source (printed by `telesync check`), e.g. that its
   * records have no do-not-call field, so opt-outs stay in telesync's suppression list only.
   */
  sourceWarnings?(config: Config, select: Record<string, unknown>): string[];
  /**
   * Whether a source's records take only the disposition `leadUpdates` (and answer fields) their
   * object has a field for, the writer skipping the others (Salesforce Account and custom objects:
   * dispositions are integration-wide, e.g. Lead Status). Absent or false: every update is written.
   */
  updatesOnlyExistingFields?(select: Record<string, unknown>): boolean;
  activitySettings(config: Config): ActivitySettings;
  createConnector(config: Config, context: ConnectorContext): CrmConnector;
}

/** Shared stores the core hands every connector: tokens and rate budgets live in Redis, shared by workers. */
export interface ConnectorContext {
  integrationId: string;
  tokens: TokenStore;
  rateLimiter: RateLimiter;
  log: ConnectorLogger;
  /**
   * Durable memory of activity creates (Redis in production). A connector whose lookups are not
   * read-your-writes (HubSpot search lags writes) uses it to stay exactly-once; without it, it keeps
   * that memory in the process only.
   */
  writeLedger?: WriteLedger;
  /** The clock (epoch ms); tests and simulations drive it, production leaves it unset (Date.now). */
  now?: () => number;
  /** Told the outcome of every request sent to the CRM (metrics: requests and 429s per integration). */
  meter?: RequestMeter;
}

/** `ok`; `rate-limited` (a 429 or the vendor's limit error); `error` (anything else that failed). */
export type RequestMeter = (outcome: "ok" | "rate-limited" | "error") => void;

/** What is left of one of the integration's request budgets, as the connector last knew it. */
export interface RateBudget {
  /** Which budget: `burst` (HubSpot per 10 s), `search` (HubSpot per second), `daily`. */
  window: string;
  limit: number;
  remaining: number;
}

/**
 * What a connector remembers of its creates, shared by every worker: the ids a batch answer
 * returned (written before the results go back to the core, so a crash before the outcome is
 * acknowledged cannot cause a second create), and which creates were sent recently enough that a
 * lookup missing them proves nothing. Times are durations kept by the store (Redis TTLs), never
 * deadlines from a host clock.
 */
export interface WriteLedger {
  /** Remember outcomeId → activity id. */
  recordCreated(integrationId: string, created: ReadonlyMap<string, string>): Promise<void>;
  /** Activity ids remembered for these outcome ids. */
  created(integrationId: string, outcomeIds: readonly string[]): Promise<Map<string, string>>;
  /** These creates are about to be sent: for `forMs` a lookup that misses them is inconclusive. */
  markSent(integrationId: string, outcomeIds: readonly string[], forMs: number): Promise<void>;
  /** These creates were answered (written, or refused without being applied): no longer in doubt. */
  clearSent(integrationId: string, outcomeIds: readonly string[]): Promise<void>;
  /** Which of these outcome ids were marked sent less than their `forMs` ago. */
  recentlySent(integrationId: string, outcomeIds: readonly string[]): Promise<Set<string>>;
}

export interface TokenStore {
  get(integrationId: string): Promise<string | undefined>;
  set(integrationId: string, accessToken: string): Promise<void>;
}

export interface RateLimiter {
  /**
   * Wait until `bucket` has room for one more request under `max` per `windowMs`, shared by every
   * worker of the integration. Returns the ms waited.
   */
  acquire(bucket: string, max: number, windowMs: number): Promise<number>;
  /**
   * Block a bucket for `waitMs` (a 429 told us to wait, or a daily limit was hit). A duration, not a
   * deadline: the limiter keeps time by the shared Redis clock, not by any one worker's.
   */
  pause(bucket: string, waitMs: number, reason: string): Promise<void>;
  /** The pause in force on `bucket`, if any. */
  pausedUntil(bucket: string): Promise<{ untilEpochMs: number; reason: string } | undefined>;
  /**
   * Adopt what a vendor's rate-limit headers reported: `used` of `max` requests in its window of
   * `vendorWindowMs` (our window for the bucket is `windowMs`). Optional: limiters without it pace
   * by the configured limit only.
   */
  observe?(
    bucket: string,
    report: { used: number; max: number; vendorWindowMs: number; windowMs: number },
  ): Promise<number>;
  /** The limit and interval last reported by the vendor for `bucket`, shared by every worker. */
  learned?(bucket: string): Promise<{ max: number; windowMs: number } | undefined>;
  /** Requests counted in `bucket` over the last `windowMs` (metrics). */
  used?(bucket: string, windowMs: number): Promise<number>;
}

export interface ConnectorLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}
