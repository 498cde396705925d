import { startSandbox } from "@telesync/sandbox";
import { createConnector } from "../../../connectors/index.js";
import type { CrmConnector } from "../../../connectors/types.js";
import { integrationSchema } from "../../../src/config/schema.js";
import type { ConformanceAdapter, ConformanceRun, RequestTarget } from "../adapter.js";
import { contactsKind, type HubspotKind } from "./hubspot-kinds.js";
import { redisStores } from "./stores.js";

const minute = 60_000;
const oauth = {
  clientId: "conformance-client",
  clientSecret: "conformance-secret",
  refreshToken: "conformance-refresh",
};
/** Raised on both sides (sandbox and connector) so the suite is not paced by HubSpot's Free tier. */
const limits = { burst: 1_000, searchPerSecond: 50 };
/** "Connected", one of the portal's default call outcomes. */
const connected = "f240bbac-87c9-4f6e-bf70-924b57d47db7";

/**
 * HubSpot on the built-in sandbox (mounted at `sandbox.hubspotBasePath`) for one kind of record
 * (contacts, companies, a custom object): OAuth with a refresh token, @hubspot/api-client over real
 * HTTP, real Redis stores.
 *
 * The connector clock runs in real time plus the minutes the suite advanced, and the portal clock is
 * set to it on every advance.
 */
export function hubspotAdapterFor(kind: HubspotKind): ConformanceAdapter {
  return {
    vendor: kind.objectType === "contacts" ? "hubspot" : `hubspot ${kind.name}`,
    sources: kind.sources,
    // connectors/hubspot/README.md "Rate limits": a 429 pauses the bucket and the request is retried.
    burstRateLimit: { pull: "absorbed", "activity-write": "absorbed" },
    start: () => startRun(kind),
  };
}

/** The contacts kind, as the suite has always run it. */
export const hubspotAdapter: ConformanceAdapter = hubspotAdapterFor(contactsKind);

async function startRun(kind: HubspotKind): Promise<ConformanceRun> {
  const sandbox = await startSandbox({
    hubspot: { oauth, burstLimit: limits.burst, searchPerSecond: limits.searchPerSecond },
  });
  const portal = sandbox.hubspot;
  const stores = redisStores();
  let offset = 0;
  const now = () => Date.now() + offset;
  portal.setNow(now());
  const integrationId = "hs-conformance";
  const extra: CrmConnector[] = [];

  const connect = (id: string, refreshToken: string): CrmConnector => {
    const config = integrationSchema.parse({
      vendor: "hubspot",
      basePath: sandbox.hubspotBasePath,
      auth: { type: "oauth", clientId: oauth.clientId, clientSecret: oauth.clientSecret, refreshToken },
      burstLimitPer10s: limits.burst,
      searchRequestsPerSecond: limits.searchPerSecond,
      ...(kind.objects ? { objects: kind.objects } : {}),
    });
    return createConnector(config, stores.context(id, now));
  };
  const connector = connect(integrationId, oauth.refreshToken);

  const sources = kind.liveSources(portal);
  const type = kind.storeType;
  const faultKind: Record<RequestTarget, string> = {
    // The primary source (the search) is what the suite pulls when it injects a fault.
    pull: `${kind.objectType}.search`,
    "activity-write": "calls.batchCreate",
  };

  return {
    connector,
    integrationId,
    tokens: stores.tokens,
    serverUrl: `${sandbox.hubspotBasePath}/crm/v3/objects/contacts`,
    objectType: kind.objectType,
    fields: kind.fields,
    call: { disposition: connected, status: "COMPLETED" },
    pullFields: kind.pullFields,
    source: (key) => {
      const source = sources[key];
      if (!source) throw new Error(`no HubSpot source ${key}`);
      return source;
    },
    seed: (n) => kind.seedOutside(portal, n),
    edit: (id, fields) => portal.updateRecord(type, id, fields),
    remove: (id) => portal.archiveRecord(type, id),
    now: () => portal.now(),
    advanceClock: (minutes) => {
      offset += minutes * minute;
      portal.setNow(now());
    },
    lead: (crmId) => ({ objectType: kind.objectType, crmId }),
    readActivities: () =>
      portal.calls().map((call) => {
        const duration = call.properties.hs_call_duration;
        const direction = call.properties.hs_call_direction;
        const to = call.associated;
        return {
          id: call.id,
          outcomeId: call.properties.telesync_outcome_id,
          // The record the call is associated with, by the association type its object requires.
          crmId:
            to?.objectType === type && to.typeId === kind.callAssociationTypeId(portal) ? to.id : undefined,
          durationSec: duration === undefined ? undefined : Number(duration) / 1000,
          direction: direction === "OUTBOUND" ? "outbound" : direction === "INBOUND" ? "inbound" : undefined,
          disposition: call.properties.hs_call_disposition,
        };
      }),
    // HubSpot has no validation rules on calls; a call whose record is gone is rejected per input (207).
    rejectActivitiesFor: (crmId) => {
      portal.archiveRecord(type, crmId);
      return `Cannot associate to ${type === "contacts" ? "contact" : type} ${crmId}`;
    },
    injectLostResponse: () =>
      portal.injectFault({ kind: "lost-response", match: { kind: "calls.batchCreate" } }),
    injectRateLimit: (scope, on) =>
      portal.injectFault({
        kind: "rate-limit",
        policy: scope === "burst" ? "TEN_SECONDLY_ROLLING" : "DAILY",
        match: { kind: faultKind[on] },
      }),
    requestCount: (on) => {
      const byKind = portal.stats().byKind;
      const count = (kind: string) => byKind[kind] ?? 0;
      const o = kind.objectType;
      return on === "pull"
        ? count(`${o}.search`) + count(`${o}.list`) + count("lists.memberships") + count(`${o}.batchRead`)
        : count("calls.batchCreate");
    },
    tokenRequests: () => portal.stats().byKind["oauth.token"] ?? 0,
    expireTokens: () => portal.expireAccessTokens(),
    readDoNotCall: (crmId) => portal.object(type, crmId)?.properties[kind.fields.doNotCall] === "true",
    doNotCallOf: (fields) => {
      if (!Object.hasOwn(fields, kind.fields.doNotCall)) return undefined;
      return fields[kind.fields.doNotCall] === "true";
    },
    connectWithBadCredentials: () => {
      const bad = connect("hs-conformance-bad", "not-the-refresh-token");
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
