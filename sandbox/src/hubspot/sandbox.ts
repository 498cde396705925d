import { randomBytes, randomUUID } from "node:crypto";
import { type SandboxReply, unauthorized } from "./errors.js";
import { type FaultSpec, Faults, hubspotFaultSpecSchema } from "./faults.js";
import { customObject, defaultProperties, type ObjectType } from "./properties.js";
import { type RateLimitOptions, SandboxRateLimits } from "./rate-limits.js";
import { HubspotStore, type StoredObject } from "./store.js";

export interface HubspotSandboxOptions extends Partial<RateLimitOptions> {
  /** Private app tokens accepted as bearer tokens; default `["sandbox-token"]`. */
  privateAppTokens?: string[];
  /** The OAuth app whose refresh token `POST /oauth/v1/token` accepts. */
  oauth?: { clientId: string; clientSecret: string; refreshToken: string };
  /** Scopes of every token (token info endpoints, token responses); default what telesync needs. */
  scopes?: string[];
  /** The portal's Hub ID in token info; default 62515 (HubSpot's documentation example). */
  hubId?: number;
  /** Lifetime of issued access tokens (sandbox clock); HubSpot's is 1800 s. */
  accessTokenTtlSec?: number;
  /** Send `Retry-After` with 429s (HubSpot does only sometimes); default true. */
  retryAfter?: boolean;
  /** Call property holding telesync's outcome id; default `telesync_outcome_id`. */
  outcomeIdProperty?: string;
  /** Contact property meaning do-not-call; default `telesync_do_not_call`. */
  doNotCallProperty?: string;
  /** Seed of the search index's tie order. */
  seed?: number;
  /**
   * Search index lag (sandbox clock): a created or changed record reaches `/search` this long after
   * the write; until then searches miss it or return its previous version. Default 0.
   */
  indexDelayMs?: number;
}

export interface SeedOptions {
  /** Add the new contacts to this list. */
  listId?: string;
  /** Their lastmodifieddate: one value for all, or per index (epoch ms or ISO). */
  lastmodifieddate?: number | string | ((index: number) => number | string);
  /** Extra or overriding properties per index. */
  properties?: (index: number) => Record<string, string>;
}

export interface SandboxStats {
  requests: number;
  byKind: Record<string, number>;
  byStatus: Record<string, number>;
  rateLimited: Record<string, number>;
  faults: Record<string, number>;
  /** Most requests seen in one burst window / one search second: proof that callers stayed under. */
  observed: { burstMax: number; searchPerSecondMax: number; daily: number };
}

const toMs = (value: number | string | Date): number =>
  typeof value === "number" ? value : value instanceof Date ? value.getTime() : Date.parse(value);

/**
 * An in-memory HubSpot portal: the CRM v3 subset telesync uses, with HubSpot's limits, switches for
 * faults, request statistics and a settable clock. Serve it with `hubspotSandboxPlugin`.
 */
export class HubspotSandbox {
  readonly store: HubspotStore;
  readonly faults = new Faults();
  readonly limits: SandboxRateLimits;
  readonly options: Required<
    Pick<HubspotSandboxOptions, "retryAfter" | "outcomeIdProperty" | "doNotCallProperty">
  > &
    HubspotSandboxOptions;
  private fixedNow: number | undefined;
  private readonly accessTokens = new Map<string, number>();
  /** Private app tokens accepted now (a rotation revokes one and adds its successor). */
  private readonly privateAppTokens: Set<string>;
  private readonly counts = {
    requests: 0,
    byKind: {} as Record<string, number>,
    byStatus: {} as Record<string, number>,
    rateLimited: {} as Record<string, number>,
  };

  constructor(options: HubspotSandboxOptions = {}) {
    this.options = {
      retryAfter: true,
      outcomeIdProperty: "telesync_outcome_id",
      doNotCallProperty: "telesync_do_not_call",
      ...options,
    };
    this.limits = new SandboxRateLimits({
      burstLimit: options.burstLimit ?? 100,
      burstWindowMs: options.burstWindowMs ?? 10_000,
      searchPerSecond: options.searchPerSecond ?? 5,
      dailyLimit: options.dailyLimit ?? 250_000,
    });
    this.privateAppTokens = new Set(options.privateAppTokens ?? ["sandbox-token"]);
    this.store = new HubspotStore(
      () => this.now(),
      defaultProperties(this.options),
      options.seed,
      options.hubId ?? 62515,
    );
    this.store.indexDelayMs = options.indexDelayMs ?? 0;
  }

  /** Change the search index lag for writes from now on. */
  setIndexDelay(ms: number): void {
    this.store.indexDelayMs = ms;
  }

  /** Move the sandbox clock forward (fixing it if it ran in real time), e.g. past an index delay. */
  advance(ms: number): void {
    this.fixedNow = this.now() + ms;
  }

  /** The sandbox clock: real time unless `setNow` fixed it. Rate windows always use real time. */
  now(): number {
    return this.fixedNow ?? Date.now();
  }

  setNow(at: number | string | Date | undefined): void {
    this.fixedNow = at === undefined ? undefined : toMs(at);
  }

  injectFault(spec: FaultSpec): void {
    this.faults.inject(spec);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** For the sandbox server's control API: faults arrive as JSON and are checked here. */
  faultTarget(): { inject(spec: unknown): void; clear(): void } {
    return {
      inject: (spec) => this.injectFault(hubspotFaultSpecSchema.parse(spec)),
      clear: () => this.clearFaults(),
    };
  }

  configureLimits(options: Partial<RateLimitOptions>): void {
    this.limits.configure(options);
  }

  stats(): SandboxStats {
    return {
      requests: this.counts.requests,
      byKind: { ...this.counts.byKind },
      byStatus: { ...this.counts.byStatus },
      rateLimited: { ...this.counts.rateLimited },
      faults: { ...this.faults.fired },
      observed: this.limits.observed(),
    };
  }

  /** Create `count` contacts with E.164 phones; returns their ids. */
  seedContacts(count: number, options: SeedOptions = {}): string[] {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const stamp =
        typeof options.lastmodifieddate === "function"
          ? options.lastmodifieddate(i)
          : options.lastmodifieddate;
      const properties = {
        firstname: `First${i}`,
        lastname: `Last${i}`,
        email: `contact${i}@example.com`,
        phone: `+1415555${String(i % 10_000).padStart(4, "0")}`,
        hs_lead_status: "NEW",
        ...options.properties?.(i),
      };
      const object = this.store.create(
        "contacts",
        properties,
        stamp === undefined ? {} : { modifiedAt: toMs(stamp) },
      );
      ids.push(object.id);
    }
    if (options.listId) this.store.addToList(options.listId, ids);
    return ids;
  }

  /**
   * Create `count` records of any object (companies, the custom object `donors`…) with these
   * properties per index; optionally into a list. Returns their ids.
   */
  seedRecords(
    type: ObjectType,
    count: number,
    properties: (index: number) => Record<string, string>,
    options: { listId?: string } = {},
  ): string[] {
    const ids = Array.from({ length: count }, (_, i) => this.store.create(type, properties(i)).id);
    if (options.listId) this.store.addToList(options.listId, ids);
    return ids;
  }

  /** Create `count` companies with E.164 phones (industry non-profit unless overridden). */
  seedCompanies(count: number, options: Omit<SeedOptions, "lastmodifieddate"> = {}): string[] {
    return this.seedRecords(
      "companies",
      count,
      (i) => ({
        name: `Company ${i}`,
        domain: `company${i}.example.org`,
        phone: `+1415556${String(i % 10_000).padStart(4, "0")}`,
        state: "CA",
        industry: "NON_PROFIT_ORGANIZATION_MANAGEMENT",
        ...options.properties?.(i),
      }),
      options.listId ? { listId: options.listId } : {},
    );
  }

  /** Create `count` records of the custom object (stage Active unless overridden). */
  seedDonors(count: number, options: Omit<SeedOptions, "lastmodifieddate"> = {}): string[] {
    return this.seedRecords(
      "donors",
      count,
      (i) => ({
        donor_name: `Donor ${i}`,
        phone_number: `+1415557${String(i % 10_000).padStart(4, "0")}`,
        stage: "Active",
        state: "CA",
        ...options.properties?.(i),
      }),
      options.listId ? { listId: options.listId } : {},
    );
  }

  /** A record of any object by id (archived ones included). */
  object(type: ObjectType, id: string): StoredObject | undefined {
    return this.store.objects[type].get(id);
  }

  updateRecord(type: ObjectType, id: string, properties: Record<string, string>): void {
    const object = this.store.live(type, id);
    if (!object) throw new Error(`no live ${type} ${id}`);
    this.store.update(object, properties);
  }

  archiveRecord(type: ObjectType, id: string): void {
    this.store.archive(type, id);
  }

  /** The custom object's type id and fully qualified name, as the schemas API gives them. */
  get customObject(): { objectTypeId: string; fullyQualifiedName: string; name: string } {
    return {
      objectTypeId: customObject.objectTypeId,
      fullyQualifiedName: `p${this.hubId}_${customObject.name}`,
      name: customObject.name,
    };
  }

  contact(id: string): StoredObject | undefined {
    return this.store.objects.contacts.get(id);
  }

  updateContact(id: string, properties: Record<string, string>): void {
    const contact = this.store.live("contacts", id);
    if (!contact) throw new Error(`no live contact ${id}`);
    this.store.update(contact, properties);
  }

  archiveContact(id: string): void {
    this.store.archive("contacts", id);
  }

  mergeContacts(primaryId: string, mergedId: string): void {
    this.store.merge(primaryId, mergedId);
  }

  addToList(listId: string, ids: readonly string[]): void {
    this.store.addToList(listId, ids);
  }

  removeFromList(listId: string, ids: readonly string[]): void {
    this.store.removeFromList(listId, ids);
  }

  /** Add a custom call outcome; returns its GUID. */
  addDisposition(label: string): string {
    const id = randomUUID();
    this.store.dispositions.push({ id, label });
    return id;
  }

  calls(): StoredObject[] {
    return this.store.listLive("calls");
  }

  contacts(): StoredObject[] {
    return this.store.listLive("contacts");
  }

  notes(): StoredObject[] {
    return this.store.listLive("notes");
  }

  meetings(): StoredObject[] {
    return this.store.listLive("meetings");
  }

  /** Issue an OAuth access token (what `POST /oauth/v1/token` does). */
  issueAccessToken(): { accessToken: string; expiresIn: number } {
    const expiresIn = this.options.accessTokenTtlSec ?? 1800;
    const accessToken = `sandbox-oauth-${randomBytes(12).toString("hex")}`;
    this.accessTokens.set(accessToken, this.now() + expiresIn * 1000);
    return { accessToken, expiresIn };
  }

  /** What the token info endpoints say of a token; undefined for a token the portal never issued. */
  tokenInfo(token: string): { kind: "oauth"; expiresIn: number } | { kind: "private_app" } | undefined {
    if ((this.options.privateAppTokens ?? ["sandbox-token"]).includes(token)) return { kind: "private_app" };
    const expiresAt = this.accessTokens.get(token);
    if (expiresAt === undefined) return undefined;
    return { kind: "oauth", expiresIn: Math.max(0, Math.floor((expiresAt - this.now()) / 1000)) };
  }

  get hubId(): number {
    return this.options.hubId ?? 62515;
  }

  get scopes(): string[] {
    return (
      this.options.scopes ?? [
        "oauth",
        "crm.objects.contacts.read",
        "crm.objects.contacts.write",
        "crm.objects.companies.read",
        "crm.objects.companies.write",
        "crm.objects.custom.read",
        "crm.objects.custom.write",
        "crm.schemas.custom.read",
        "crm.lists.read",
      ]
    );
  }

  /**
   * Rotates a private app's token with immediate expiry (Settings → Private Apps → Rotate → "expire
   * now"), or revokes it: `token` is answered 401 from now on; `replacement` is accepted instead.
   */
  rotatePrivateAppToken(token: string, replacement = `sandbox-token-${Date.now().toString(36)}`): string {
    this.privateAppTokens.delete(token);
    this.privateAppTokens.add(replacement);
    return replacement;
  }

  /** Every issued OAuth access token stops working (as if they all expired). */
  expireAccessTokens(): void {
    for (const token of this.accessTokens.keys()) this.accessTokens.set(token, 0);
  }

  /** Check a bearer token; returns the 401 to send, or undefined when it is good. */
  authenticate(authorization: string | undefined): SandboxReply | undefined {
    const token = /^Bearer (.+)$/i.exec(authorization ?? "")?.[1];
    if (!token) return unauthorized(false);
    if (this.privateAppTokens.has(token)) return undefined;
    const expiresAt = this.accessTokens.get(token);
    if (expiresAt === undefined) return unauthorized(false);
    return expiresAt > this.now() ? undefined : unauthorized(true);
  }

  /** Count a request by route kind and answer status. */
  record(kind: string, status: number, policy?: string): void {
    this.counts.requests++;
    this.counts.byKind[kind] = (this.counts.byKind[kind] ?? 0) + 1;
    this.counts.byStatus[String(status)] = (this.counts.byStatus[String(status)] ?? 0) + 1;
    if (policy) this.counts.rateLimited[policy] = (this.counts.rateLimited[policy] ?? 0) + 1;
  }
}
