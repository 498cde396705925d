import { z } from "zod";
import type { ErrorClass } from "../../src/errors.js";
import type {
  ActivityWrite,
  ConnectorContext,
  ConnectorLimits,
  ConsentResult,
  ConsentWrite,
  CrmConnector,
  FieldDescription,
  PhoneMatch,
  PhoneQuery,
  PullPage,
  PullRequest,
  WriteResult,
} from "../types.js";
import { SalesforceSession } from "./auth.js";
import { classifyError } from "./classify-error.js";
import type { SalesforceIntegration } from "./config.js";
import { describeObject, toFieldCatalog, toFieldDescriptions } from "./describe.js";
import { findByPhone } from "./find-by-phone.js";
import { salesforceLimits } from "./limits.js";
import { pullCampaign } from "./pull-campaign.js";
import { pullObject } from "./pull-object.js";
import type { FieldCatalog, PullContext } from "./pull-shared.js";
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
  /** Longest wait for one Salesforce response (default `salesforceLimits.requestTimeoutMs`). */
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

  constructor(
    private readonly config: SalesforceIntegration,
    private readonly ctx: ConnectorContext,
    options: SalesforceConnectorOptions = {},
  ) {
    this.integrationId = ctx.integrationId;
    this.appointments = { objectType: "Event", idField: config.writeback.appointmentIdField };
    this.now = options.now ?? ctx.now ?? Date.now;
    this.session = new SalesforceSession(config, ctx, this.now, options.requestTimeoutMs);
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
    };
    if ("object" in select) yield* pullObject(ctx, select, request.fields, request.cursor);
    else yield* pullCampaign(ctx, select, request.fields, request.cursor);
  }

  async describe(objectType: string): Promise<FieldDescription[]> {
    this.assertOpen();
    return toFieldDescriptions(await describeObject(this.session, objectType));
  }

  writeActivities(batch: ActivityWrite[], options: { checkExisting: boolean }): Promise<WriteResult[]> {
    this.assertOpen();
    return writeActivities(this.session, this.config, batch, options);
  }

  writeConsent(batch: ConsentWrite[]): Promise<ConsentResult[]> {
    this.assertOpen();
    return writeConsent(this.session, batch);
  }

  findByPhone(query: PhoneQuery): Promise<PhoneMatch[]> {
    this.assertOpen();
    return findByPhone(this.session, this.ctx.rateLimiter, this.integrationId, this.config, query);
  }

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

  /** jsforce keeps no sockets or timers open; closing only refuses further calls. */
  async close(): Promise<void> {
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`Salesforce connector ${this.integrationId} is closed`);
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
