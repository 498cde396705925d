import { startSandbox } from "@telesync/sandbox";
import { z } from "zod";
import { createConnector } from "../../../connectors/index.js";
import type { CrmConnector } from "../../../connectors/types.js";
import { integrationSchema } from "../../../src/config/schema.js";
import type { ConformanceAdapter, ConformanceRun, LiveSource, RequestTarget } from "../adapter.js";
import { redisStores } from "./stores.js";

const minute = 60_000;
const openStatus = "Open - Not Contacted";

const memberRowSchema = z.object({ Id: z.string() }).loose();
const taskSchema = z
  .object({
    Id: z.string(),
    CallObject: z.string().nullable(),
    WhoId: z.string().nullable(),
    CallDurationInSeconds: z.number().nullable(),
    CallType: z.string().nullable(),
    CallDisposition: z.string().nullable(),
  })
  .loose();

const faultMatch = { pull: "query", "activity-write": "composite-create" } as const;

/**
 * Salesforce on the built-in sandbox: the refresh_token flow with the org's credentials, jsforce over
 * real HTTP, real Redis stores. The CRM clock and the connector clock are one clock, advanced in whole
 * minutes (`sobjects/{T}/deleted` ignores seconds).
 */
export const salesforceAdapter: ConformanceAdapter = {
  vendor: "salesforce",
  sources: [
    {
      key: "object",
      description: `Lead where Status = '${openStatus}'`,
      incremental: true,
      reportsLeavers: true,
    },
    { key: "campaign", description: "members of a Campaign", incremental: true, reportsLeavers: true },
  ],
  // Writes (POST/PATCH) are never retried by jsforce: a 429 surfaces, classified with its Retry-After
  // (connectors/salesforce/http-capture.ts). jsforce 3.10.16 retries GETs on 429 by itself
  // (lib/request.js retry.statusCodes), so a pull absorbs one.
  burstRateLimit: { pull: "absorbed", "activity-write": "surfaces" },

  async start(): Promise<ConformanceRun> {
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
      });
      return createConnector(config, stores.context(id, now));
    };
    const connector = connect(integrationId, org.credentials.refreshToken);

    const campaignId = org.createCampaign("Conformance");
    const sources: Record<string, LiveSource> = {
      object: {
        select: { object: "Lead", where: `Status = '${openStatus}'` },
        seed: (n) => org.seedLeads(n),
        leave: (id) => org.update("Lead", id, { Status: "Working - Contacted" }),
      },
      campaign: {
        select: { campaignId },
        seed: (n) => org.seedLeads(n, { campaignId }),
        leave: (id) => {
          const rows = org.query(
            `SELECT Id FROM CampaignMember WHERE CampaignId = '${campaignId}' AND LeadId = '${id}'`,
          ).records;
          for (const row of rows) org.removeCampaignMember(memberRowSchema.parse(row).Id);
        },
      },
    };

    return {
      connector,
      integrationId,
      tokens: stores.tokens,
      serverUrl: `${sandbox.url}/services/oauth2/token`,
      objectType: "Lead",
      fields: { name: "FirstName", phone: "Phone", doNotCall: "DoNotCall" },
      call: { disposition: "Connected", status: "Completed" },
      pullFields: ["FirstName", "LastName", "Phone", "DoNotCall"],
      source: (key) => {
        const source = sources[key];
        if (!source) throw new Error(`no Salesforce source ${key}`);
        return source;
      },
      // Leads with another Status are in no source.
      seed: (n) => org.seedLeads(n, { status: "Working - Contacted" }),
      edit: (id, fields) => org.update("Lead", id, fields),
      remove: (id) => org.delete("Lead", id),
      now,
      advanceClock: (minutes) => {
        clock += minutes * minute;
        org.setNow(new Date(clock));
      },
      lead: (crmId) => ({ objectType: "Lead", crmId }),
      readActivities: () =>
        org.all("Task").map((raw) => {
          const task = taskSchema.parse(raw);
          return {
            id: task.Id,
            outcomeId: task.CallObject ?? undefined,
            crmId: task.WhoId ?? undefined,
            durationSec: task.CallDurationInSeconds ?? undefined,
            direction:
              task.CallType === "Outbound" ? "outbound" : task.CallType === "Inbound" ? "inbound" : undefined,
            disposition: task.CallDisposition ?? undefined,
          };
        }),
      rejectActivitiesFor: (crmId) => {
        const message = `Conformance: calls to ${crmId} are blocked by a validation rule`;
        org.rejectRecord(
          (record, info) => info.type === "Task" && info.operation === "create" && record.WhoId === crmId,
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
      readDoNotCall: (crmId) => org.get("Lead", crmId)?.DoNotCall === true,
      doNotCallOf: (fields) => (typeof fields.DoNotCall === "boolean" ? fields.DoNotCall : undefined),
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
  },
};
