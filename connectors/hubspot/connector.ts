import { z } from "zod";
import type { ErrorClass } from "../../src/errors.js";
import type {
  ActivityWrite,
  AppointmentChange,
  AppointmentChangeResult,
  ConnectorContext,
  ConnectorLimits,
  ConsentResult,
  ConsentWrite,
  CrmConnector,
  CrmRecord,
  FetchRequest,
  FieldDescription,
  LeadCreate,
  LeadCreateResult,
  LiveCheckRow,
  LiveCheckSource,
  PhoneMatch,
  PhoneQuery,
  PullPage,
  PullRequest,
  RateBudget,
  WebhookReceiver,
  WriteResult,
} from "../types.js";
import { changeMeetings } from "./appointment-changes.js";
import { checkSource } from "./check-source.js";
import { type HubspotIntegration, type HubspotSelect, hubspotSelectSchema, selectObject } from "./config.js";
import { createContacts } from "./create-contacts.js";
import { allContactsCursorSchema, listCursorSchema, parseCursor, searchCursorSchema } from "./cursor.js";
import { describeObject } from "./describe.js";
import { findByPhone, phoneSearchBatcher, phoneSearchTargets } from "./find-by-phone.js";
import { hubspotLimits } from "./limits.js";
import { hubspotLiveCheck } from "./live-check.js";
import { MemoryWriteLedger } from "./memory-write-ledger.js";
import { ObjectCatalog } from "./object-catalog.js";
import { hubspotSourceObjectSchema, isCustomObject, typeIdOf } from "./objects.js";
import { pullAllRecords } from "./pull-all.js";
import { pullList, readRecords } from "./pull-list.js";
import { pullSearch } from "./pull-search.js";
import { objectPageSchema, recordProperties, toCrmRecord } from "./records.js";
import { filterBudgetProblems } from "./search-query.js";
import { HubspotTransport, type TransportOptions } from "./transport.js";
import { hubspotWebhookReceiver } from "./webhook-receiver.js";
import { type CreateMemory, writeActivities, writeConsent } from "./write.js";

/** Test seams: a clock, a sleep, how many attempts a request gets. */
export type HubspotConnectorOptions = TransportOptions;

/**
 * HubSpot CRM v3 through @hubspot/api-client 13.x: contacts, companies or custom object records in;
 * calls, meetings and record updates out.
 */
export class HubspotConnector implements CrmConnector {
  readonly vendor = "hubspot";
  readonly integrationId: string;
  readonly limits: ConnectorLimits = {
    pullPageSize: hubspotLimits.lists.membershipPageSize,
    writeBatchSize: hubspotLimits.objects.batchCreate,
  };
  /** Only with a `webhookSecret`: without it no delivery could be verified. */
  readonly webhooks?: WebhookReceiver;
  readonly appointments: { objectType: string; idField: string };
  private readonly transport: HubspotTransport;
  private readonly now: () => number;
  private readonly createMemory: CreateMemory;
  private readonly catalog: ObjectCatalog;

  constructor(
    private readonly config: HubspotIntegration,
    private readonly ctx: ConnectorContext,
    options: HubspotConnectorOptions = {},
  ) {
    this.integrationId = ctx.integrationId;
    this.appointments = { objectType: "meetings", idField: config.appointmentIdProperty };
    this.now = options.now ?? ctx.now ?? Date.now;
    this.transport = new HubspotTransport(config, ctx, options);
    this.catalog = new ObjectCatalog(this.transport, this.now);
    if (config.webhookSecret) {
      this.webhooks = hubspotWebhookReceiver({
        doNotCall: config.doNotCall,
        objects: config.objects,
        webhookSecret: config.webhookSecret,
        objectNameOf: (typeId) => this.objectNameOf(typeId),
      });
    }
    this.createMemory = {
      ledger: ctx.writeLedger ?? new MemoryWriteLedger(this.now),
      integrationId: ctx.integrationId,
      inconclusiveMs: config.requestTimeoutMs + config.searchIndexLagMs,
    };
  }

  validateSelect(select: unknown): void {
    this.parseSelect(select);
  }

  private parseSelect(select: unknown): HubspotSelect {
    const parsed = hubspotSelectSchema.safeParse(select);
    if (!parsed.success) throw new Error(`Invalid HubSpot select: ${z.prettifyError(parsed.error)}`);
    if ("search" in parsed.data) {
      const problems = filterBudgetProblems(parsed.data.search.filterGroups);
      if (problems.length > 0) throw new Error(`Invalid HubSpot select: ${problems.join("; ")}`);
    }
    return parsed.data;
  }

  /** An invalid select or cursor surfaces as the first page's rejection, like any other failure. */
  async *pull(request: PullRequest): AsyncIterable<PullPage> {
    const select = this.parseSelect(request.select);
    const objectType = selectObject(select);
    // A custom object's schema is read once, so its records get links and webhook events find it;
    // without it (no crm.schemas.custom.read) the pull still runs, the links are left out.
    await this.catalog
      .customSchema(objectType)
      .catch((error: unknown) =>
        this.transport.warn({ objectType, err: String(error) }, "custom object schema not read"),
      );
    // The cursor names its object (contacts: left out, as before), so a source whose object
    // changes starts over instead of resuming another object's position.
    for await (const page of this.pullObject(objectType, select, request))
      yield objectType === "contacts"
        ? page
        : { ...page, cursor: { ...(page.cursor as object), object: objectType } };
  }

  private async *pullObject(
    objectType: string,
    select: HubspotSelect,
    request: PullRequest,
  ): AsyncGenerator<PullPage> {
    const raw = request.cursor as { object?: unknown } | null | undefined;
    const resume =
      (typeof raw?.object === "string" ? raw.object : "contacts") === objectType ? raw : undefined;
    if ("listId" in select) {
      const cursor = parseCursor(listCursorSchema, resume, "list");
      yield* pullList(this.transport, objectType, select.listId, request, cursor);
    } else if ("search" in select) {
      const cursor = parseCursor(searchCursorSchema, resume, "search");
      const lookbackMs = Math.max(this.config.pullLookbackMs, this.config.searchIndexLagMs);
      yield* pullSearch(this.transport, objectType, select, request, cursor, this.now, lookbackMs);
    } else {
      const cursor = parseCursor(allContactsCursorSchema, resume, "all-contacts");
      yield* pullAllRecords(this.transport, objectType, request, cursor, this.now);
    }
  }

  /** `POST /crm/v3/objects/{objectType}/batch/read`, 100 ids a request; ids HubSpot no longer has are left out. */
  async fetchRecords(request: FetchRequest): Promise<CrmRecord[]> {
    if (!hubspotSourceObjectSchema.safeParse(request.objectType).success)
      throw new Error(
        `HubSpot sources hold contacts, companies or custom objects, not ${request.objectType}`,
      );
    const objectType = request.objectType;
    const properties = recordProperties(request.fields, objectType);
    const objects = await readRecords(this.transport, objectType, request.ids, properties);
    return objects.map((object) => toCrmRecord(object, objectType));
  }

  /** `telesync check --live` for one source: its object exists, phone and do-not-call properties fit. */
  checkSource(select: unknown, phoneFields: readonly string[]): Promise<string[]> {
    return checkSource(
      { transport: this.transport, config: this.config, catalog: this.catalog },
      this.parseSelect(select),
      phoneFields,
    );
  }

  /** The configured object name a webhook's `objectTypeId` means (undefined: not a source object). */
  private objectNameOf(typeId: string): string | undefined {
    if (typeId === "0-1") return "contacts";
    if (typeId === "0-2") return "companies";
    return Object.keys(this.config.objects).find(
      (name) => typeIdOf(name, this.catalog.knownSchema(name)) === typeId,
    );
  }

  /** The object's properties; a custom object the account does not have is named as such. */
  async describe(objectType: string): Promise<FieldDescription[]> {
    if (isCustomObject(objectType) && !(await this.catalog.customSchema(objectType))) {
      const known = (await this.catalog.customSchemas()).map(
        (s) => `${s.objectTypeId} (${s.fullyQualifiedName})`,
      );
      throw new Error(
        `${objectType}: no such custom object in the account (its custom objects: ${known.join(", ") || "none"})`,
      );
    }
    return describeObject(this.transport, objectType);
  }

  writeActivities(batch: ActivityWrite[], options: { checkExisting: boolean }): Promise<WriteResult[]> {
    return writeActivities(this.transport, this.config, batch, options, this.createMemory, this.catalog);
  }

  writeConsent(batch: ConsentWrite[]): Promise<ConsentResult[]> {
    return writeConsent(this.transport, this.config, batch);
  }

  /** Meetings rescheduled (start/end) or cancelled (outcome CANCELED), by meeting id. */
  changeAppointments(batch: AppointmentChange[]): Promise<AppointmentChangeResult[]> {
    return changeMeetings(this.transport, batch);
  }

  /** Contacts of `create-lead` inbound calls: batch upserts by the admin's unique property. */
  createLeads(batch: LeadCreate[]): Promise<LeadCreateResult[]> {
    return createContacts(this.transport, batch);
  }

  readonly activityObjectType = "calls";

  /**
   * The record page in HubSpot's app: `/contacts/<portalId>/record/<objectTypeId>/<id>` (object type
   * ids from HubSpot's object API docs: contacts 0-1, companies 0-2, calls 0-48; a custom object's
   * `2-…` id, known once its schema was read). Needs `portalId` in the config.
   */
  recordUrl(objectType: string, id: string): string | undefined {
    const typeId = typeIdOf(objectType, this.catalog.knownSchema(objectType));
    if (this.config.portalId === undefined || !typeId) return undefined;
    return `${this.config.appUrl.replace(/\/$/, "")}/contacts/${this.config.portalId}/record/${typeId}/${encodeURIComponent(id)}`;
  }

  /**
   * Contacts whose `phone` or `mobilephone` is this number, then companies and custom objects of the
   * `objects` block by their phone properties; URLs when `portalId` is configured.
   */
  findByPhone(query: PhoneQuery): Promise<PhoneMatch[]> {
    this.phoneSearches ??= phoneSearchTargets(this.config).map((target) =>
      phoneSearchBatcher(
        this.transport,
        target,
        this.config.portalId === undefined ? undefined : (objectType, id) => this.recordUrl(objectType, id),
        this.config.searchRequestsPerSecond,
      ),
    );
    return findByPhone(this.phoneSearches, query);
  }

  /** Screen pops' searches, one batcher per object, several numbers to a search (created on the first lookup). */
  private phoneSearches: ReturnType<typeof phoneSearchBatcher>[] | undefined;

  classifyError(error: unknown): ErrorClass {
    return this.transport.classify(error);
  }

  /** Gets a token (refreshing an OAuth one if needed) and reads one contact. */
  async verifyCredentials(): Promise<void> {
    objectPageSchema.parse(
      await this.transport.call(
        "contacts.list",
        (client, options) =>
          client.crm.contacts.basicApi.getPage(
            1,
            undefined,
            ["hs_object_id"],
            undefined,
            undefined,
            false,
            options,
          ),
        { idempotent: true },
      ),
    );
  }

  liveCheck(sources: readonly LiveCheckSource[]): Promise<LiveCheckRow[]> {
    return hubspotLiveCheck(
      {
        transport: this.transport,
        config: this.config,
        integrationId: this.integrationId,
        catalog: this.catalog,
      },
      sources,
    );
  }

  rateBudget(): Promise<RateBudget[]> {
    return this.transport.rateBudget();
  }

  /** A DAILY 429 pauses the whole account's bucket until the reset. */
  currentPause(): Promise<{ untilEpochMs: number; reason: string } | undefined> {
    return this.ctx.rateLimiter.pausedUntil(`hubspot:${this.integrationId}:burst`);
  }

  async close(): Promise<void> {
    await this.transport.close();
  }
}

/** The factory `connectors/index.ts` calls. */
export function createHubspotConnector(
  config: HubspotIntegration,
  ctx: ConnectorContext,
  options?: HubspotConnectorOptions,
): CrmConnector {
  return new HubspotConnector(config, ctx, options);
}
