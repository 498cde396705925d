import { startSandbox } from "@telesync/sandbox";
import { createConnector } from "../../../connectors/index.js";
import type { CrmConnector } from "../../../connectors/types.js";
import { integrationSchema } from "../../../src/config/schema.js";
import type { ConformanceAdapter, ConformanceRun, LiveSource, RequestTarget } from "../adapter.js";
import { redisStores } from "./stores.js";

const minute = 60_000;
const oauth = {
  clientId: "conformance-client",
  clientSecret: "conformance-secret",
  refreshToken: "conformance-refresh",
};
/** Raised on both sides (sandbox and connector) so the suite is not paced by HubSpot's Free tier. */
const limits = { burst: 1_000, searchPerSecond: 50 };
const listId = "77";
/** "Connected", one of the portal's default call outcomes. */
const connected = "f240bbac-87c9-4f6e-bf70-924b57d47db7";

const faultKind: Record<RequestTarget, string> = {
  // The primary source (the search) is what the suite pulls when it injects a fault.
  pull: "contacts.search",
  "activity-write": "calls.batchCreate",
};

/**
 * HubSpot on the built-in sandbox (mounted at `sandbox.hubspotBasePath`): OAuth with a refresh token,
 * @hubspot/api-client over real HTTP, real Redis stores.
 *
 * The connector clock runs in real time plus the minutes the suite advanced, and the portal clock is
 * set to it on every advance.
 */
export const hubspotAdapter: ConformanceAdapter = {
  vendor: "hubspot",
  sources: [
    {
      key: "search",
      description: "contacts where hs_lead_status = NEW (search)",
      incremental: true,
      // connectors/hubspot/README.md: "Not detected: a contact that stops matching the search filters".
      reportsLeavers: false,
    },
    {
      key: "list",
      description: `members of list ${listId}`,
      // connectors/hubspot/README.md: a list source is a full pass per pull.
      incremental: false,
      reportsLeavers: true,
    },
  ],
  // connectors/hubspot/README.md "Rate limits": a 429 pauses the bucket and the request is retried.
  burstRateLimit: { pull: "absorbed", "activity-write": "absorbed" },

  async start(): Promise<ConformanceRun> {
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
      });
      return createConnector(config, stores.context(id, now));
    };
    const connector = connect(integrationId, oauth.refreshToken);

    const sources: Record<string, LiveSource> = {
      search: {
        select: {
          search: {
            filterGroups: [{ filters: [{ propertyName: "hs_lead_status", operator: "EQ", value: "NEW" }] }],
          },
        },
        seed: (n) => portal.seedContacts(n),
        leave: (id) => portal.updateContact(id, { hs_lead_status: "UNQUALIFIED" }),
      },
      list: {
        select: { listId },
        seed: (n) => portal.seedContacts(n, { listId }),
        leave: (id) => portal.removeFromList(listId, [id]),
      },
    };

    return {
      connector,
      integrationId,
      tokens: stores.tokens,
      serverUrl: `${sandbox.hubspotBasePath}/crm/v3/objects/contacts`,
      objectType: "contacts",
      fields: { name: "firstname", phone: "phone", doNotCall: "telesync_do_not_call" },
      call: { disposition: connected, status: "COMPLETED" },
      pullFields: ["firstname", "lastname", "phone", "telesync_do_not_call"],
      source: (key) => {
        const source = sources[key];
        if (!source) throw new Error(`no HubSpot source ${key}`);
        return source;
      },
      // Not NEW and in no list: outside every source.
      seed: (n) => portal.seedContacts(n, { properties: () => ({ hs_lead_status: "OPEN" }) }),
      edit: (id, fields) => portal.updateContact(id, fields),
      remove: (id) => portal.archiveContact(id),
      now: () => portal.now(),
      advanceClock: (minutes) => {
        offset += minutes * minute;
        portal.setNow(now());
      },
      lead: (crmId) => ({ objectType: "contacts", crmId }),
      readActivities: () =>
        portal.calls().map((call) => {
          const duration = call.properties.hs_call_duration;
          const direction = call.properties.hs_call_direction;
          return {
            id: call.id,
            outcomeId: call.properties.telesync_outcome_id,
            // 194 = call → contact (HubSpot-defined).
            crmId: call.contact?.typeId === 194 ? call.contact.id : undefined,
            durationSec: duration === undefined ? undefined : Number(duration) / 1000,
            direction:
              direction === "OUTBOUND" ? "outbound" : direction === "INBOUND" ? "inbound" : undefined,
            disposition: call.properties.hs_call_disposition,
          };
        }),
      // HubSpot has no validation rules on calls; a call whose contact is gone is rejected per input (207).
      rejectActivitiesFor: (crmId) => {
        portal.archiveContact(crmId);
        return `Cannot associate to contact ${crmId}`;
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
        return on === "pull"
          ? count("contacts.search") +
              count("contacts.list") +
              count("lists.memberships") +
              count("contacts.batchRead")
          : count("calls.batchCreate");
      },
      tokenRequests: () => portal.stats().byKind["oauth.token"] ?? 0,
      expireTokens: () => portal.expireAccessTokens(),
      readDoNotCall: (crmId) => portal.contact(crmId)?.properties.telesync_do_not_call === "true",
      doNotCallOf: (fields) => {
        if (!Object.hasOwn(fields, "telesync_do_not_call")) return undefined;
        return fields.telesync_do_not_call === "true";
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
  },
};
