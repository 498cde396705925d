import type { ActivityWrite, CrmConnector, TokenStore } from "../../connectors/types.js";

/** A value or a promise of it: sandbox hooks are synchronous today, other fixtures need not be. */
export type Awaitable<T> = T | Promise<T>;

/** Which requests a fault or a request count is about. */
export type RequestTarget = "pull" | "activity-write";

/** What a connector does with a rate-limit answer, as its documentation says. */
export type RateLimitContract =
  /** The call fails (throws, or per-item results) with `rate-limited`; the caller waits `waitMs`. */
  | "surfaces"
  /** The connector (or its HTTP client) waits and retries by itself; the call succeeds. */
  | "absorbed";

/** A source kind a vendor offers, and what its documentation promises about it. */
export interface ConformanceSourceSpec {
  /** Names the source in test titles and in {@link ConformanceRun.source}. */
  key: string;
  /** e.g. "Lead where Status = 'Open - Not Contacted'". */
  description: string;
  /**
   * A pull from the last cursor returns only the records changed since; `false` = every pull is a
   * full pass over the source (the edited records come back with the rest).
   */
  incremental: boolean;
  /**
   * Records that leave the source (no longer match its filter, removed from its campaign or list)
   * come back in `removedRefs`; `false` = a documented gap, asserted as such.
   */
  reportsLeavers: boolean;
}

/** One source of a running fixture: its `select` block and how to put records in and take them out. */
export interface LiveSource {
  select: unknown;
  /** Create `n` records that belong to the source, on the CRM's current clock; returns their ids. */
  seed(n: number): Awaitable<string[]>;
  /** Make a record leave the source without deleting it (filter no longer matches, membership removed). */
  leave(crmId: string): Awaitable<void>;
}

/** An activity as stored in the CRM, in vendor-neutral terms (what the suite checks). */
export interface StoredActivity {
  id: string;
  /** Task.CallObject / the HubSpot outcome-id call property. */
  outcomeId: string | undefined;
  /** The lead record the activity is associated with (Task.WhoId / the contact association). */
  crmId: string | undefined;
  durationSec: number | undefined;
  direction: "outbound" | "inbound" | undefined;
  disposition: string | undefined;
}

/**
 * A vendor under test: one sandbox, one connector on real Redis stores, and the handles the suite
 * needs to arrange CRM state and inject faults. One per test; `close` releases everything.
 */
export interface ConformanceRun {
  connector: CrmConnector;
  integrationId: string;
  /** The token store the connector was given (a real `RedisTokenStore` under a unique prefix). */
  tokens: TokenStore;
  /** Any URL of the sandbox server; nothing may answer there after `close`. */
  serverUrl: string;
  /** `CrmRecord.objectType` of the lead records (Lead, contacts). */
  objectType: string;
  /** Vendor field names of what the mapping reads. */
  fields: { name: string; phone: string; doNotCall: string };
  /** Call values in the CRM's vocabulary (Salesforce CallDisposition text, HubSpot outcome GUID…). */
  call: { disposition: string; status: string };
  /** Fields to ask `pull` for. */
  pullFields: string[];
  source(key: string): LiveSource;
  /** Lead records outside any source, for writes. */
  seed(n: number): Awaitable<string[]>;
  /** Change fields as an admin would (bumps the record's modified time to the CRM clock). */
  edit(crmId: string, fields: Record<string, string>): Awaitable<void>;
  /** Delete (Salesforce) or archive (HubSpot) a record. */
  remove(crmId: string): Awaitable<void>;
  /** The CRM clock, epoch ms. */
  now(): number;
  /** Move the CRM clock and the connector clock (`ConnectorContext.now`) forward together. */
  advanceClock(minutes: number): Awaitable<void>;
  /** `ActivityWrite.lead` for a lead record. */
  lead(crmId: string): ActivityWrite["lead"];
  /** Every call activity stored in the CRM. */
  readActivities(): Awaitable<StoredActivity[]>;
  /**
   * From now on the CRM rejects activities for this record (a validation rule, a missing
   * association target…). Returns a fragment of the message the CRM gives.
   */
  rejectActivitiesFor(crmId: string): Awaitable<string>;
  /** The next activity-create request is applied, then its connection is dropped before the answer. */
  injectLostResponse(): Awaitable<void>;
  /** The next matching request is answered with a rate-limit error (`burst`: 429; `daily`: the daily quota). */
  injectRateLimit(scope: "burst" | "daily", on: RequestTarget): Awaitable<void>;
  /** Requests the sandbox has received for this kind of call (rejected ones included). */
  requestCount(on: RequestTarget): number;
  /** Access tokens the sandbox's token endpoint has issued. */
  tokenRequests(): number;
  /** Every issued access token stops working. */
  expireTokens(): Awaitable<void>;
  /** The record's do-not-call flag as stored in the CRM. */
  readDoNotCall(crmId: string): Awaitable<boolean>;
  /** The do-not-call flag as a pulled record's `fields` report it; `undefined` when not readable. */
  doNotCallOf(fields: Record<string, unknown>): boolean | undefined;
  /** A second connector on the same sandbox whose credentials the CRM rejects (closed by `close`). */
  connectWithBadCredentials(): CrmConnector;
  close(): Promise<void>;
}

/** How the suite reaches a vendor. */
export interface ConformanceAdapter {
  vendor: string;
  /** Source kinds to run the pull behaviours on; the first is used for consent and auth checks. */
  sources: readonly [ConformanceSourceSpec, ...ConformanceSourceSpec[]];
  /** Documented handling of a burst rate limit (HTTP 429), per kind of call. */
  burstRateLimit: Record<RequestTarget, RateLimitContract>;
  start(): Promise<ConformanceRun>;
}
