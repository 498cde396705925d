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
import { type HubspotIntegration, type HubspotSelect, hubspotSelectSchema } from "./config.js";
import { createContacts } from "./create-contacts.js";
import { allContactsCursorSchema, listCursorSchema, parseCursor, searchCursorSchema } from "./cursor.js";
import { describeObject } from "./describe.js";
import { PhoneSearchBatcher } from "./find-by-phone.js";
import { hubspotLimits } from "./limits.js";
import { hubspotLiveCheck } from "./live-check.js";
import { MemoryWriteLedger } from "./memory-write-ledger.js";
import { pullAllContacts } from "./pull-all.js";
import { pullList, readContacts } from "./pull-list.js";
import { pullSearch } from "./pull-search.js";
import { contactProperties, objectPageSchema, toCrmRecord } from "./records.js";
import { filterBudgetProblems } from "./search-query.js";
import { HubspotTransport, type TransportOptions } from "./transport.js";
import { hubspotWebhookReceiver } from "./webhook-receiver.js";
import { type CreateMemory, writeActivities, writeConsent } from "./write.js";

/** Test seams: a clock, a sleep, how many attempts a request gets. */
export type HubspotConnectorOptions = TransportOptions;

/** HubSpot CRM v3 through @hubspot/api-client 13.x: contacts in, calls and contact updates out. */
/** HubSpot's object type ids (developers.hubspot.com, "Using the object APIs"). */
const hubspotObjectTypeIds: Record<string, string> = { contacts: "0-1", calls: "0-48", meetings: "0-47" };

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

  constructor(
    private readonly config: HubspotIntegration,
    private readonly ctx: ConnectorContext,
    options: HubspotConnectorOptions = {},
  ) {
    this.integrationId = ctx.integrationId;
    this.appointments = { objectType: "meetings", idField: config.appointmentIdProperty };
    this.now = options.now ?? ctx.now ?? Date.now;
    this.transport = new HubspotTransport(config, ctx, options);
    if (config.webhookSecret) {
      this.webhooks = hubspotWebhookReceiver({
        doNotCall: config.doNotCall,
        webhookSecret: config.webhookSecret,
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
    if ("listId" in select) {
      const cursor = parseCursor(listCursorSchema, request.cursor, "list");
      yield* pullList(this.transport, select.listId, request, cursor);
    } else if ("search" in select) {
      const cursor = parseCursor(searchCursorSchema, request.cursor, "search");
      const lookbackMs = Math.max(this.config.pullLookbackMs, this.config.searchIndexLagMs);
      yield* pullSearch(this.transport, select, request, cursor, this.now, lookbackMs);
    } else {
      const cursor = parseCursor(allContactsCursorSchema, request.cursor, "all-contacts");
      yield* pullAllContacts(this.transport, request, cursor, this.now);
    }
  }

  /** `POST /crm/v3/objects/contacts/batch/read`, 100 ids a request; ids HubSpot no longer has are left out. */
  async fetchRecords(request: FetchRequest): Promise<CrmRecord[]> {
    if (request.objectType !== "contacts")
      throw new Error(`HubSpot sources hold contacts, not ${request.objectType}`);
    const objects = await readContacts(this.transport, request.ids, contactProperties(request.fields));
    return objects.map(toCrmRecord);
  }

  describe(objectType: string): Promise<FieldDescription[]> {
    return describeObject(this.transport, objectType);
  }

  writeActivities(batch: ActivityWrite[], options: { checkExisting: boolean }): Promise<WriteResult[]> {
    return writeActivities(this.transport, this.config, batch, options, this.createMemory);
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
   * ids from HubSpot's object API docs: contacts 0-1, calls 0-48). Needs `portalId` in the config.
   */
  recordUrl(objectType: string, id: string): string | undefined {
    const typeId = hubspotObjectTypeIds[objectType];
    if (this.config.portalId === undefined || !typeId) return undefined;
    return `${this.config.appUrl.replace(/\/$/, "")}/contacts/${this.config.portalId}/record/${typeId}/${encodeURIComponent(id)}`;
  }

  /** Contacts whose `phone` or `mobilephone` is this number; URLs when `portalId` is configured. */
  findByPhone(query: PhoneQuery): Promise<PhoneMatch[]> {
    this.phoneSearches ??= new PhoneSearchBatcher(
      this.transport,
      this.config.portalId === undefined ? undefined : (id) => this.recordUrl("contacts", id) ?? "",
    );
    return this.phoneSearches.find(query);
  }

  /** Screen pops' contact searches, several numbers to a search (created on the first lookup). */
  private phoneSearches: PhoneSearchBatcher | undefined;

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
      { transport: this.transport, config: this.config, integrationId: this.integrationId },
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
