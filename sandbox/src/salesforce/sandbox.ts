import { type Credentials, TokenRegistry } from "./auth.js";
import { ChangeEventLog } from "./change-events.js";
import { CursorStore } from "./cursors.js";
import { type DeletedResponse, deletedBetween } from "./deleted.js";
import { invalidType, SalesforceApiError } from "./errors.js";
import { FaultEngine, type FaultSpec } from "./faults.js";
import { IdGenerator, idChecksum, toId18 } from "./ids.js";
import type { Operation } from "./record-check.js";
import { type ObjectDef, objectDef, type SfValue } from "./schema.js";
import { ensureCampaign, LeadGenerator, type SeedLeadsOptions, seedLeads } from "./seed.js";
import { executeQuery, type QueryResult } from "./soql-eval.js";
import { RequestStats, type SalesforceStats } from "./stats.js";
import { SalesforceStore } from "./store.js";
import { recordView } from "./values.js";
import {
  createOne,
  deleteOne,
  type RejectionRule,
  type SaveResult,
  updateOne,
  type WriteContext,
} from "./writes.js";

export interface SalesforceSandboxOptions {
  /** OAuth client id accepted by the token endpoint (default `sandbox-client`). */
  clientId?: string;
  /** OAuth client secret (default `sandbox-secret`). */
  clientSecret?: string;
  /** The refresh token accepted by the `refresh_token` grant (default `sandbox-refresh`). */
  refreshToken?: string;
  /** Scopes the token endpoint grants, space-separated (default `api refresh_token`). */
  oauthScope?: string;
  /** Lifetime of issued access tokens in ms, real time (default 2 hours). */
  tokenTtlMs?: number;
  /** Daily API request allowance reported in `Sforce-Limit-Info`; beyond it requests get 403 (default 100,000). */
  apiLimit?: number;
  /** Open query cursors kept before the least recently used is released (default 50). */
  maxOpenCursors?: number;
  /** A query cursor unused this long expires, real time (default 15 minutes). */
  cursorTtlMs?: number;
  /** Seed for generated leads and fault probabilities (default 1). */
  seed?: number;
  /** Change events kept for CometD replay before the oldest is dropped (default 10,000). */
  changeEventRetention?: number;
  /** How long a CometD `/meta/connect` is held open without events, real time (default 110 s, as Salesforce). */
  cometdHoldMs?: number;
}

/** A record as the REST API shows it: every field of the object, datetimes as `2026-01-01T00:00:00.000+0000`. */
export type SalesforceRecord = Record<string, SfValue>;

/** Validation rule's view of a record being saved, plus what is happening to it. */
export type RejectPredicate = (
  record: Readonly<SalesforceRecord>,
  info: { type: string; operation: Operation },
) => boolean;

function fail(result: SaveResult): never {
  const first = result.errors[0];
  throw new SalesforceApiError(
    400,
    first?.statusCode ?? "UNKNOWN_EXCEPTION",
    first?.message ?? "",
    first?.fields,
  );
}

/**
 * An in-memory Salesforce org. Serve it over HTTP with `startSandbox()`; tests, the demo and benchmarks
 * also drive it directly through these methods (which skip faults and validation-rule hooks, like an admin
 * editing records in the UI).
 */
export class SalesforceSandbox {
  readonly orgId = `00D8d000000Sbx1${idChecksum("00D8d000000Sbx1")}`;
  readonly userId: string;
  /** @internal */ readonly store = new SalesforceStore();
  /** @internal */ readonly auth: TokenRegistry;

  /**
   * `GET /id/<orgId>/<userId>` (the identity URL of a token response): the user and org a token
   * acts as, or undefined when the token is not valid or names another user.
   * https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_using_openid.htm
   */
  identity(orgId: string, userId: string, token: string | undefined): Record<string, unknown> | undefined {
    if (!this.auth.isValid(token) || orgId !== this.orgId) return undefined;
    const user = this.store.get(userId, "User");
    if (!user) return undefined;
    return {
      id: `/id/${orgId}/${userId}`,
      asserted_user: true,
      user_id: userId,
      organization_id: orgId,
      username: user.Username,
      nick_name: String(user.Username ?? "").split("@")[0],
      display_name: user.Name,
      email: user.Email,
      first_name: user.FirstName,
      last_name: user.LastName,
      timezone: user.TimeZoneSidKey,
      active: user.IsActive === true,
      user_type: "STANDARD",
      language: "en_US",
      locale: "en_US",
      utcOffset: -28800000,
    };
  }
  /** @internal */ readonly faults: FaultEngine;
  /** @internal */ readonly cursors: CursorStore;
  /** @internal */ readonly requests = new RequestStats();
  /** @internal */ readonly apiLimit: number;
  /** @internal */ readonly changeEvents: ChangeEventLog;
  /** @internal */ readonly cometdHoldMs: number;
  private readonly ids = new IdGenerator();
  private readonly rules: RejectionRule[] = [];
  private generator: LeadGenerator;
  private fixedNow: number | undefined;
  private clockOffsetMs = 0;

  constructor(options: SalesforceSandboxOptions = {}) {
    const seed = options.seed ?? 1;
    this.generator = new LeadGenerator(seed);
    this.faults = new FaultEngine(seed);
    this.apiLimit = options.apiLimit ?? 100_000;
    this.cursors = new CursorStore(
      { maxOpen: options.maxOpenCursors ?? 50, ttlMs: options.cursorTtlMs ?? 15 * 60_000 },
      Date.now,
    );
    this.userId = this.ids.next("005");
    const at = this.nowMs();
    this.store.insert("User", {
      Id: this.userId,
      Username: "admin@sandbox.telesync.example",
      FirstName: "Sandbox",
      LastName: "Admin",
      Name: "Sandbox Admin",
      Email: "admin@sandbox.telesync.example",
      IsActive: true,
      TimeZoneSidKey: "America/Los_Angeles",
      IsDeleted: false,
      CreatedDate: at,
      CreatedById: this.userId,
      LastModifiedDate: at,
      LastModifiedById: this.userId,
      SystemModstamp: at,
    });
    const credentials: Credentials = {
      clientId: options.clientId ?? "sandbox-client",
      clientSecret: options.clientSecret ?? "sandbox-secret",
      refreshToken: options.refreshToken ?? "sandbox-refresh",
    };
    this.auth = new TokenRegistry(credentials, this.orgId, this.userId, options.tokenTtlMs ?? 2 * 3600_000);
    if (options.oauthScope !== undefined) this.auth.scope = options.oauthScope;
    this.cometdHoldMs = options.cometdHoldMs ?? 110_000;
    this.changeEvents = new ChangeEventLog(options.changeEventRetention ?? 10_000, this.userId);
    this.store.observer = (type, previous, next) =>
      this.changeEvents.record(type, previous, next, Number(next.SystemModstamp ?? this.nowMs()));
  }

  /**
   * Drops every retained change event, as if the subscriber had been away longer than Salesforce's
   * retention (three days): resuming from a stored replay id is then refused.
   */
  expireChangeEvents(): void {
    this.changeEvents.expireAll();
  }

  /** The newest change event's replay id (0 before any write). */
  get latestReplayId(): number {
    return this.changeEvents.latest;
  }

  /** The OAuth client id, secret and refresh token the token endpoint accepts. */
  get credentials(): Readonly<Credentials> {
    return this.auth.credentials;
  }

  /** Freezes the clock used for CreatedDate/SystemModstamp/deletions; `undefined` returns to real time. */
  setNow(date: Date | undefined): void {
    this.fixedNow = date?.getTime();
  }

  /**
   * Runs the clock `offsetMs` ahead of real time (it keeps moving): the org then lives at the same
   * instant as a client whose clock is driven (the demo's `--at`), as a real org lives at real time.
   */
  setClockOffset(offsetMs: number): void {
    this.clockOffsetMs = offsetMs;
  }

  /** The sandbox clock: the frozen time from `setNow`, or real time (plus any offset). */
  now(): Date {
    return new Date(this.nowMs());
  }

  /** A valid access token, as if the client had just authenticated. */
  issueToken(): string {
    return this.auth.issue();
  }

  /** Invalidates every issued access token; clients must refresh. */
  expireTokens(): void {
    this.auth.expireAll();
  }

  /**
   * Revokes the refresh token and every access token (Setup → Connected Apps OAuth Usage → Revoke):
   * refreshing answers 400 `invalid_grant`. Returns the refresh token a new authorization gives,
   * the one accepted from now on (the operator's fix: new credentials, restart).
   */
  revokeRefreshToken(replacement = `sandbox-refresh-${Date.now().toString(36)}`): string {
    this.auth.revoke(replacement);
    return replacement;
  }

  /** Deterministic generated leads (see `SeedLeadsOptions`); returns their ids in creation order. */
  seedLeads(count: number, options: SeedLeadsOptions = {}): string[] {
    if (options.seed !== undefined) this.generator = new LeadGenerator(options.seed);
    return seedLeads(this.seedContext(), this.generator, count, options);
  }

  /** Creates a Campaign (or returns the existing one with that name). */
  /**
   * Business accounts (Name, Phone, BillingState/Country) or person accounts (FirstName, LastName,
   * PersonMobilePhone, Phone, PersonMailingState/Country, each with its PersonContactId contact),
   * created through the API's validation. Returns their ids.
   */
  seedAccounts(
    count: number,
    options: { person?: boolean; industry?: string; country?: string } = {},
  ): string[] {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const f = this.generator.fields({});
      const common = { Industry: options.industry ?? "Nonprofit" };
      ids.push(
        this.insert(
          "Account",
          options.person
            ? {
                ...common,
                FirstName: f.FirstName,
                LastName: f.LastName,
                PersonMobilePhone: f.Phone,
                PersonMailingState: f.State,
                PersonMailingCountry: options.country ?? f.Country,
              }
            : {
                ...common,
                Name: f.Company,
                Phone: f.Phone,
                BillingState: f.State,
                BillingCountry: options.country ?? f.Country,
              },
        ),
      );
    }
    return ids;
  }

  /** Records of the custom object Donor__c with a phone, created through the API's validation. */
  seedDonors(count: number, options: { stage?: string } = {}): string[] {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const f = this.generator.fields({});
      ids.push(
        this.insert("Donor__c", {
          Name: `${String(f.FirstName)} ${String(f.LastName)}`,
          First_Name__c: f.FirstName,
          Last_Name__c: f.LastName,
          Phone__c: f.Phone,
          State__c: f.State,
          Country__c: f.Country,
          Stage__c: options.stage ?? "Active",
        }),
      );
    }
    return ids;
  }

  createCampaign(name: string): string {
    return ensureCampaign(this.seedContext(), name, this.nowMs());
  }

  /**
   * Creates a record with the API's validation (field names and types, required fields, lookups);
   * throws `SalesforceApiError` with the Salesforce status code otherwise. Returns the 18-character id.
   */
  insert(type: string, fields: Record<string, unknown>): string {
    const result = createOne(this.writeContext(false), fields, type);
    if (!result.success || !result.id) fail(result);
    return result.id;
  }

  /** Updates like the API does (bumping SystemModstamp and LastModifiedDate); throws `SalesforceApiError`. */
  update(type: string, id: string, fields: Record<string, unknown>): void {
    const result = updateOne(this.writeContext(false), { ...fields, Id: id }, type);
    if (!result.success) fail(result);
  }

  /** Soft-deletes; a Lead or Contact takes its CampaignMembers with it. */
  delete(type: string, id: string): void {
    const result = deleteOne(this.writeContext(false), id, type);
    if (!result.success) fail(result);
  }

  /** A record by 15- or 18-character id, including soft-deleted ones (IsDeleted = true). */
  get(type: string, id: string): SalesforceRecord | undefined {
    const def = this.def(type);
    const id18 = toId18(id);
    const record = id18 ? this.store.get(id18, def.name) : undefined;
    return record ? recordView(def, record) : undefined;
  }

  /** Every non-deleted record of a type, in creation order. */
  all(type: string): SalesforceRecord[] {
    const def = this.def(type);
    return this.store
      .rows(def.name)
      .filter((r) => !r.IsDeleted)
      .map((r) => recordView(def, r));
  }

  /** Adds a Lead (00Q…) or Contact (003…) to a campaign; returns the CampaignMember id. */
  addCampaignMember(campaignId: string, leadOrContactId: string, status = "Sent"): string {
    const type = leadOrContactId.startsWith("00Q") ? "LeadId" : "ContactId";
    return this.insert("CampaignMember", { CampaignId: campaignId, [type]: leadOrContactId, Status: status });
  }

  /** Soft-deletes the membership, so it shows up in `queryAll` and `/deleted`. */
  removeCampaignMember(memberId: string): void {
    this.delete("CampaignMember", memberId);
  }

  /** Runs SOQL in-process and returns every row, unpaged. */
  query(soql: string, options: { includeDeleted?: boolean } = {}): QueryResult {
    const snapshot = executeQuery(this.store, soql, { includeDeleted: options.includeDeleted ?? false });
    return { totalSize: snapshot.totalSize, records: snapshot.render(0, snapshot.length, "v62.0") };
  }

  /** @internal `GET /sobjects/{T}/deleted`. */
  deleted(type: string, start: string | undefined, end: string | undefined): DeletedResponse {
    return deletedBetween(this.store, type, start, end, this.nowMs());
  }

  /** Affects the next `count` matching HTTP requests (see `FaultSpec`). */
  injectFault(spec: FaultSpec): void {
    this.faults.inject(spec);
  }

  /** Drops every pending fault. */
  clearFaults(): void {
    this.faults.clear();
  }

  /**
   * Makes API writes of records matching `predicate` fail with `error` (default statusCode
   * FIELD_CUSTOM_VALIDATION_EXCEPTION), like a validation rule. Returns a function that lifts it.
   */
  rejectRecord(
    predicate: RejectPredicate,
    error: { statusCode?: string; message: string; fields?: string[] },
  ): () => void {
    const rule: RejectionRule = {
      predicate,
      error: {
        statusCode: error.statusCode ?? "FIELD_CUSTOM_VALIDATION_EXCEPTION",
        message: error.message,
        fields: error.fields ?? [],
      },
    };
    this.rules.push(rule);
    return () => {
      const at = this.rules.indexOf(rule);
      if (at >= 0) this.rules.splice(at, 1);
    };
  }

  /** Request counts by kind since start or `resetStats()`. */
  stats(): SalesforceStats {
    return this.requests.snapshot();
  }

  /** Zeroes the request counts and the API usage reported in `Sforce-Limit-Info`. */
  resetStats(): void {
    this.requests.reset();
  }

  /** @internal The context API writes run in; `locked` applies an unable-to-lock fault. */
  writeContext(api: boolean, locked = false): WriteContext {
    return {
      store: this.store,
      ids: this.ids,
      now: () => this.nowMs(),
      userId: this.userId,
      rules: api ? this.rules : [],
      locked,
    };
  }

  private def(type: string): ObjectDef {
    const def = objectDef(type);
    if (!def) throw invalidType(type);
    return def;
  }

  private seedContext() {
    return { store: this.store, ids: this.ids, now: () => this.nowMs(), userId: this.userId };
  }

  private nowMs(): number {
    return this.fixedNow ?? Date.now() + this.clockOffsetMs;
  }
}
