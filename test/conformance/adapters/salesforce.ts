import { startSandbox } from "@telesync/sandbox";
import { z } from "zod";
import { createConnector } from "../../../connectors/index.js";
import type { CrmConnector } from "../../../connectors/types.js";
import { integrationSchema } from "../../../src/config/schema.js";
import type { ConformanceAdapter, ConformanceRun, RequestTarget } from "../adapter.js";
import { leadKind, type SalesforceKind } from "./salesforce-kinds.js";
import { redisStores } from "./stores.js";

const minute = 60_000;

const taskSchema = z
  .object({
    Id: z.string(),
    CallObject: z.string().nullable(),
    WhoId: z.string().nullable(),
    WhatId: z.string().nullable(),
    CallDurationInSeconds: z.number().nullable(),
    CallType: z.string().nullable(),
    CallDisposition: z.string().nullable(),
  })
  .loose();

const faultMatch = { pull: "query", "activity-write": "composite-create" } as const;

/**
 * Salesforce on the built-in sandbox for one kind of record (Lead, Contact, business or person
 * Account, a custom object): the refresh_token flow with the org's credentials, jsforce over real
 * HTTP, real Redis stores. The CRM clock and the connector clock are one clock, advanced in whole
 * minutes (`sobjects/{T}/deleted` ignores seconds).
 */
export function salesforceAdapterFor(kind: SalesforceKind): ConformanceAdapter {
  return {
    vendor: `salesforce ${kind.name}`,
    sources: kind.sources,
    // Writes (POST/PATCH) are never retried by jsforce: a 429 surfaces, classified with its Retry-After
    // (connectors/salesforce/http-capture.ts). jsforce 3.10.16 retries GETs on 429 by itself
    // (lib/request.js retry.statusCodes), so a pull absorbs one.
    burstRateLimit: { pull: "absorbed", "activity-write": "surfaces" },
    start: () => startRun(kind),
  };
}

/** The Lead kind, as the suite has always run it. */
export const salesforceAdapter: ConformanceAdapter = salesforceAdapterFor(leadKind);

async function startRun(kind: SalesforceKind): Promise<ConformanceRun> {
  const sandbox = await startSandbox();
  const org = sandbox.salesforce;
  const stores = redisStores();
  let clock = Math.floor(Date.now() / minute) * minute;
  org.setNow(new Date(clock));
  const now = () => clock;
  const integrationId = "sf-conformance";
  const extra: CrmConnector[] = [];

  const connect = (id: string, refreshToken: string): CrmConnector => {
    const { clientId, clientSecret } = org.credentials;
    const config = integrationSchema.parse({
      vendor: "salesforce",
      instanceUrl: sandbox.url,
      loginUrl: sandbox.url,
      auth: { type: "refresh_token", clientId, clientSecret, refreshToken },
      ...(kind.objects ? { objects: kind.objects } : {}),
    });
    return createConnector(config, stores.context(id, now));
  };
  const connector = connect(integrationId, org.credentials.refreshToken);
  const sources = kind.liveSources(org);

  /** The record an activity names, by the link the kind's object requires (the Task reference). */
  const linked = (task: z.infer<typeof taskSchema>): string | undefined => {
    if (kind.link === "what") return task.WhatId ?? undefined;
    if (kind.link === "who") return task.WhoId ?? undefined;
    const account = org.all("Account").find((a) => a.PersonContactId === task.WhoId);
    return typeof account?.Id === "string" ? account.Id : undefined;
  };
  /** The id a Task of this record carries in its link field. */
  const linkId = (crmId: string): string =>
    kind.link === "person-contact" ? String(org.get("Account", crmId)?.PersonContactId) : crmId;

  return {
    connector,
    integrationId,
    tokens: stores.tokens,
    serverUrl: `${sandbox.url}/services/oauth2/token`,
    objectType: kind.objectType,
    fields: kind.fields,
    call: { disposition: "Connected", status: "Completed" },
    pullFields: kind.pullFields,
    source: (key) => {
      const source = sources[key];
      if (!source) throw new Error(`no Salesforce ${kind.name} source ${key}`);
      return source;
    },
    seed: (n) => kind.seedOutside(org, n),
    edit: (id, fields) => org.update(kind.objectType, id, fields),
    remove: (id) => org.delete(kind.objectType, id),
    now,
    advanceClock: (minutes) => {
      clock += minutes * minute;
      org.setNow(new Date(clock));
    },
    lead: (crmId) => ({ objectType: kind.objectType, crmId }),
    readActivities: () =>
      org.all("Task").map((raw) => {
        const task = taskSchema.parse(raw);
        return {
          id: task.Id,
          outcomeId: task.CallObject ?? undefined,
          crmId: linked(task),
          durationSec: task.CallDurationInSeconds ?? undefined,
          direction:
            task.CallType === "Outbound" ? "outbound" : task.CallType === "Inbound" ? "inbound" : undefined,
          disposition: task.CallDisposition ?? undefined,
        };
      }),
    rejectActivitiesFor: (crmId) => {
      const message = `Conformance: calls to ${crmId} are blocked by a validation rule`;
      const target = linkId(crmId);
      const field = kind.link === "what" ? "WhatId" : "WhoId";
      org.rejectRecord(
        (record, info) => info.type === "Task" && info.operation === "create" && record[field] === target,
        { message },
      );
      return message;
    },
    injectLostResponse: () => org.injectFault({ kind: "lost-response", match: "composite-create" }),
    injectRateLimit: (scope, on) =>
      org.injectFault(
        scope === "burst"
          ? { kind: "rate-limit", status: 429, retryAfterSeconds: 7, match: faultMatch[on] }
          : { kind: "rate-limit", match: faultMatch[on] },
      ),
    requestCount: (on: RequestTarget) => {
      const stats = org.stats();
      return on === "pull"
        ? stats.query + stats.queryMore + stats.queryAll
        : stats["composite-create"] + stats["sobject-create"];
    },
    tokenRequests: () => org.stats().token,
    expireTokens: () => org.expireTokens(),
    readDoNotCall: (crmId) => org.get(kind.objectType, crmId)?.[kind.fields.doNotCall] === true,
    doNotCallOf: (fields) => {
      const value = fields[kind.fields.doNotCall];
      return typeof value === "boolean" ? value : undefined;
    },
    connectWithBadCredentials: () => {
      const bad = connect("sf-conformance-bad", "not-the-refresh-token");
      extra.push(bad);
      return bad;
    },
    close: async () => {
      for (const c of [connector, ...extra]) await c.close();
      await sandbox.close();
      await stores.close();
    },
  };
}
