import { z } from "zod";
import type { ErrorClass } from "../../src/errors.js";
import type {
  ActivityWrite,
  AppointmentChange,
  AppointmentChangeResult,
  ChangeStream,
  ChangeStreamHandlers,
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
  PhoneSource,
  PullPage,
  PullRequest,
  RateBudget,
  WriteResult,
} from "../types.js";
import { changeAppointments } from "./appointment-changes.js";
import { SalesforceSession } from "./auth.js";
import { SalesforceChangeStream } from "./change-stream.js";
import { checkSource } from "./check-source.js";
import { classifyError } from "./classify-error.js";
import type { SalesforceIntegration } from "./config.js";
import { createLeads } from "./create-leads.js";
import { describeObject, toFieldCatalog, toFieldDescriptions } from "./describe.js";
import { fetchRecords } from "./fetch-records.js";
import {
  type PhoneSearchObject,
  personObjects,
  SalesforcePhoneSearches,
  sourceSearchObjects,
} from "./find-by-phone.js";
import { salesforceLimits } from "./limits.js";
import { salesforceLiveCheck } from "./live-check.js";
import { pullCampaign } from "./pull-campaign.js";
import { pullObject } from "./pull-object.js";
import type { FieldCatalog, PullContext } from "./pull-shared.js";
import type { TargetContext } from "./record-targets.js";
import { assertFieldNames } from "./soql.js";
import { parseSalesforceSelect } from "./validate-select.js";
import { writeActivities } from "./write-activities.js";
import { writeConsent } from "./write-consent.js";

/** Field lists change rarely; a pull re-describes at most this often. */
const catalogTtlMs = 10 * 60_000;

/** `GET limits`: answers only with a working token and API access. */
const limitsSchema = z
  .object({ DailyApiRequests: z.object({ Max: z.number(), Remaining: z.number() }).loose() })
  .loose();

export interface SalesforceConnectorOptions {
  /** Clock, for tests. */
  now?: () => number;
  /** Longest wait for any one Salesforce response, queries included (tests); default from the config. */
  requestTimeoutMs?: number;
}

/** The Salesforce `CrmConnector` on jsforce 3.10.16 (REST API, sObject Collections). */
export class SalesforceConnector implements CrmConnector {
  readonly vendor = "salesforce";
  readonly integrationId: string;
  readonly limits: ConnectorLimits = {
    pullPageSize: salesforceLimits.queryBatchSize,
    writeBatchSize: salesforceLimits.collectionSize,
  };
  readonly appointments: { objectType: string; idField: string };
  private readonly session: SalesforceSession;
  private readonly now: () => number;
  private readonly catalogs = new Map<string, { at: number; catalog: Promise<FieldCatalog> }>();
  private closed = false;
  private readonly streams = new Set<SalesforceChangeStream>();
  readonly subscribeChanges?: (handlers: ChangeStreamHandlers) => Promise<ChangeStream>;

  constructor(
    private readonly config: SalesforceIntegration,
    private readonly ctx: ConnectorContext,
    options: SalesforceConnectorOptions = {},
  ) {
    this.integrationId = ctx.integrationId;
    this.appointments = { objectType: "Event", idField: config.writeback.appointmentIdField };
    this.now = options.now ?? ctx.now ?? Date.now;
    this.session = new SalesforceSession(config, ctx, this.now, options.requestTimeoutMs);
    if (config.realtime.changeDataCapture) this.subscribeChanges = (handlers) => this.followChanges(handlers);
  }

  /** Follow Change Data Capture for the sources' objects (see `SalesforceChangeStream`). */
  private async followChanges(handlers: ChangeStreamHandlers): Promise<ChangeStream> {
    this.assertOpen();
    const stream = new SalesforceChangeStream(
      this.session,
      handlers,
      this.ctx.log,
      this.integrationId,
      () => this.streams.delete(stream),
      this.config.objects,
    );
    this.streams.add(stream);
    try {
      await stream.start();
    } catch (error) {
      await stream.close();
      throw error;
    }
    return stream;
  }

  validateSelect(select: unknown): void {
    parseSalesforceSelect(select);
  }

  async *pull(request: PullRequest): AsyncGenerator<PullPage, void, undefined> {
    this.assertOpen();
    const select = parseSalesforceSelect(request.select);
    assertFieldNames(request.fields);
    const ctx: PullContext = {
      session: this.session,
      log: this.ctx.log,
      sourceId: request.sourceId,
      now: this.now,
      fieldNames: (object) => this.catalog(object),
      lookbackMs: this.config.pullLookbackMs,
    };
    if ("object" in select) yield* pullObject(ctx, select, request.fields, request.cursor);
    else yield* pullCampaign(ctx, select, request.fields, request.cursor);
  }

  checkSource(select: unknown, phoneFields: readonly string[]): Promise<string[]> {
    this.assertOpen();
    return checkSource(this.session, this.config, select, phoneFields);
  }

  async describe(objectType: string): Promise<FieldDescription[]> {
    this.assertOpen();
    return toFieldDescriptions(await describeObject(this.session, objectType));
  }

  /** Re-read records a change event named (`syncRecords`); SOQL by id, at most 200 ids a query. */
  fetchRecords(request: FetchRequest): Promise<CrmRecord[]> {
    this.assertOpen();
    return fetchRecords(this.session, request);
  }

  writeActivities(batch: ActivityWrite[], options: { checkExisting: boolean }): Promise<WriteResult[]> {
    this.assertOpen();
    return writeActivities(this.targets(), this.config, batch, options);
  }

  writeConsent(batch: ConsentWrite[]): Promise<ConsentResult[]> {
    this.assertOpen();
    return writeConsent(this.targets(), batch);
  }

  /** Events rescheduled (updated) or cancelled (deleted), by Event id. */
  changeAppointments(batch: AppointmentChange[]): Promise<AppointmentChangeResult[]> {
    this.assertOpen();
    return changeAppointments(this.session, batch);
  }

  /** Leads of `create-lead` inbound calls: upserts on the admin's External ID field. */
  createLeads(batch: LeadCreate[]): Promise<LeadCreateResult[]> {
    this.assertOpen();
    return createLeads(this.session, batch);
  }

  readonly activityObjectType = "Task";

  /** Lightning Experience record page; `/lightning/r/<Object>/<id>/view` on the org's domain. */
  recordUrl(objectType: string, id: string): string {
    const base = this.config.instanceUrl.replace(/\/+$/, "");
    return `${base}/lightning/r/${encodeURIComponent(objectType)}/${encodeURIComponent(id)}/view`;
  }

  /** Leads, Contacts and the records of the sources' Account / custom objects carrying the number. */
  findByPhone(query: PhoneQuery, sources: readonly PhoneSource[] = []): Promise<PhoneMatch[]> {
    this.assertOpen();
    const key = JSON.stringify(sources);
    if (this.phoneObjects?.key !== key || this.now() - this.phoneObjects.at >= catalogTtlMs) {
      const objects = sourceSearchObjects((object) => describeObject(this.session, object), sources).then(
        (found) => [...personObjects, ...found],
      );
      this.phoneObjects = { key, at: this.now(), objects };
    }
    const objects = this.phoneObjects.objects;
    this.phoneSearches ??= new SalesforcePhoneSearches({
      session: this.session,
      rateLimiter: this.ctx.rateLimiter,
      integrationId: this.integrationId,
      config: this.config,
      recordUrl: (object, id) => this.recordUrl(object, id),
      objects: () => this.phoneObjects?.objects ?? objects,
    });
    return this.phoneSearches.find(query);
  }

  /** Screen pops' SOSL searches, several numbers to a search (created on the first lookup). */
  private phoneSearches: SalesforcePhoneSearches | undefined;
  /** What a phone search returns, from the sources' objects as described (refreshed like field catalogs). */
  private phoneObjects:
    | { key: string; at: number; objects: Promise<readonly PhoneSearchObject[]> }
    | undefined;

  classifyError(error: unknown): ErrorClass {
    return classifyError(error, this.now());
  }

  async verifyCredentials(): Promise<void> {
    this.assertOpen();
    const limits = limitsSchema.parse(await this.session.call((conn) => conn.limits()));
    this.ctx.log.info(
      {
        integration: this.integrationId,
        dailyApiRemaining: limits.DailyApiRequests.Remaining,
        dailyApiMax: limits.DailyApiRequests.Max,
      },
      "salesforce credentials verified",
    );
  }

  async rateBudget(): Promise<RateBudget[]> {
    return this.session.dailyBudget();
  }

  liveCheck(sources: readonly LiveCheckSource[]): Promise<LiveCheckRow[]> {
    this.assertOpen();
    return salesforceLiveCheck(
      {
        session: this.session,
        config: this.config,
        integrationId: this.integrationId,
        parseSelect: parseSalesforceSelect,
      },
      sources,
    );
  }

  /** jsforce keeps no sockets or timers open but the change streams' long polls, closed here. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.streams].map((stream) => stream.close()));
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`Salesforce connector ${this.integrationId} is closed`);
  }

  /** Where activities and do-not-call changes of a record go (WhoId/WhatId, its checkbox). */
  private targets(): TargetContext {
    return { session: this.session, config: this.config, catalog: (object) => this.catalog(object) };
  }

  private catalog(object: string): Promise<FieldCatalog> {
    const cached = this.catalogs.get(object);
    if (cached && this.now() - cached.at < catalogTtlMs) return cached.catalog;
    const catalog = describeObject(this.session, object).then(toFieldCatalog);
    catalog.catch(() => this.catalogs.delete(object));
    this.catalogs.set(object, { at: this.now(), catalog });
    return catalog;
  }
}

/** Build the Salesforce connector for one integration of the config. */
export function createSalesforceConnector(
  config: SalesforceIntegration,
  ctx: ConnectorContext,
): CrmConnector {
  return new SalesforceConnector(config, ctx);
}
