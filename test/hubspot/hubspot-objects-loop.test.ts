import { type CrmSandbox, type HubspotObjectType, startSandbox } from "@telesync/sandbox";
import { afterEach, describe, expect, it } from "vitest";
import { hubspotOutcomes, sandboxConfig, sandboxHubspot } from "../../src/demo/sandbox-config.js";
import { TelesyncService } from "../../src/runtime/service.js";
import { createTelesync, type Telesync } from "../../src/runtime/telesync.js";
import { apiKey, eventually, outcomeBody } from "../support/harness.js";
import { dropPrefix, redisUrl, uniquePrefix } from "../support/redis.js";

/** The sandbox's Hub ID (HubSpot's documentation example portal). */
const portalId = 62515;

/** One HubSpot object a source pulls, and what HubSpot's documentation says a call to it must carry. */
interface ObjectCase {
  name: string;
  /** The source's `object`, as an admin writes it. */
  object: string;
  store: HubspotObjectType;
  /**
   * The call's association type id. Companies: HubSpot-defined call → company 182 (HubSpot's
   * association type id table; the SDK's `AssociationTypes.callToCompany`). A custom object's is
   * portal-specific: what the portal's `GET /crm/v4/associations/calls/{object}/labels` lists as
   * its unlabeled type (the sandbox portal's is 1201).
   */
  callTypeId: number;
  /** The meeting's: HubSpot-defined meeting → company 188 (same table); the custom object's listed type (1203). */
  meetingTypeId: number;
  /** The object type id in record links: companies 0-2 (HubSpot's object type ids); the custom object's `2-…`. */
  typeIdInUrl: string;
  doNotCall: string;
  phone: string;
  seed(portal: CrmSandbox["hubspot"], n: number, inSource: boolean): string[];
  filter: { propertyName: string; operator: "EQ"; value: string };
}

const cases: ObjectCase[] = [
  {
    name: "a company source",
    object: "companies",
    store: "companies",
    callTypeId: 182,
    meetingTypeId: 188,
    typeIdInUrl: "0-2",
    doNotCall: "telesync_do_not_call",
    phone: "phone",
    seed: (portal, n, inSource) =>
      portal.seedCompanies(n, inSource ? {} : { properties: () => ({ industry: "RETAIL" }) }),
    filter: { propertyName: "industry", operator: "EQ", value: "NON_PROFIT_ORGANIZATION_MANAGEMENT" },
  },
  {
    name: "a custom-object source (by object type id)",
    object: "2-3508482",
    store: "donors",
    callTypeId: 1201,
    meetingTypeId: 1203,
    typeIdInUrl: "2-3508482",
    doNotCall: "do_not_call",
    phone: "phone_number",
    seed: (portal, n, inSource) =>
      portal.seedDonors(n, inSource ? {} : { properties: () => ({ stage: "Lapsed" }) }),
    filter: { propertyName: "stage", operator: "EQ", value: "Active" },
  },
];

interface Receipt {
  state: string;
  records?: Array<{ role: string; objectType: string; id: string; url?: string }>;
}

describe("HubSpot companies and custom objects through telesync (sandbox, real @hubspot/api-client, real Redis)", () => {
  let sandbox: CrmSandbox;
  let telesync: Telesync;
  let service: TelesyncService;
  afterEach(async () => {
    await service.close();
    await telesync.close();
    await sandbox.close();
    await dropPrefix(telesync.prefix);
  });

  for (const c of cases) {
    it(`${c.name}: sync → lease → outcome → one call associated to the record by type ${c.callTypeId}, consent on the object`, async () => {
      sandbox = await startSandbox({ port: 0 });
      const portal = sandbox.hubspot;
      const prefix = uniquePrefix();
      const config = sandboxConfig({
        redis: { url: redisUrl(), prefix },
        integrations: {
          hs: sandboxHubspot(sandbox.hubspotBasePath, {
            portalId,
            burstLimitPer10s: 100,
            objects: { [c.object]: { doNotCall: { property: c.doNotCall } } },
            // hs_lead_status is a contact property: on companies and donors it is skipped, not failed.
            dispositions: {
              connected: { value: hubspotOutcomes.connected, leadUpdates: { hs_lead_status: "CONNECTED" } },
            },
          }),
        },
        mappings: {
          record: {
            defaultCountry: "US",
            fields: [
              { to: "phone", from: c.phone, transform: ["phone"], required: true },
              { to: "doNotCall", from: c.doNotCall, transform: ["boolean"] },
            ],
          },
        },
        sources: [
          {
            id: "objects",
            integration: "hs",
            campaign: "q4",
            mapping: "record",
            select: { object: c.object, search: { filterGroups: [{ filters: [c.filter] }] } },
          },
        ],
        campaigns: { q4: {} },
        apiKeys: [apiKey],
      });
      const inSource = c.seed(portal, 3, true);
      c.seed(portal, 2, false);
      telesync = createTelesync({ config, compliance: false });
      await telesync.sync("objects");
      service = await TelesyncService.start(telesync, { port: 0, schedule: false });
      const call = (method: string, path: string, body?: unknown) =>
        fetch(`${service.url}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${apiKey}`,
            ...(body ? { "content-type": "application/json" } : {}),
          },
          ...(body ? { body: JSON.stringify(body) } : {}),
        });

      const leased = new Map<string, string>();
      for (let n = 0; ; n++) {
        const response = await call("POST", "/v1/campaigns/q4/leases");
        if (response.status === 204) break;
        const { leaseId, lead } = (await response.json()) as {
          leaseId: string;
          lead: { objectType: string; crmId: string };
        };
        expect(lead.objectType).toBe(c.object);
        const outcomeId = `objects-${n}`;
        leased.set(outcomeId, lead.crmId);
        // The first call revokes consent (do-not-call goes to the object's own property); the second
        // books a meeting (associated to the record like the call).
        const extra =
          n === 0
            ? { consent: { phone: "revoked" } }
            : n === 1
              ? { appointment: { startsAt: "2026-12-08T10:00:00-05:00", durationMin: 30, title: "Demo" } }
              : {};
        const body = outcomeBody(outcomeId, extra);
        expect((await call("POST", `/v1/leases/${leaseId}/outcome`, body)).status).toBe(202);
      }
      expect([...leased.values()].sort()).toEqual([...inSource].sort());

      await eventually(
        async () => {
          for (const outcomeId of leased.keys()) {
            const receipt = (await (await call("GET", `/v1/outcomes/${outcomeId}`)).json()) as Receipt;
            if (receipt.state !== "written") return false;
          }
          return true;
        },
        60_000,
        "every receipt written",
      );

      const calls = portal.calls();
      expect(calls).toHaveLength(leased.size);
      for (const [outcomeId, crmId] of leased) {
        const mine = calls.filter((stored) => stored.properties.telesync_outcome_id === outcomeId);
        expect(mine, `exactly one call for ${outcomeId}`).toHaveLength(1);
        expect(mine[0]?.associated).toEqual({ objectType: c.store, id: crmId, typeId: c.callTypeId });
        const receipt = (await (await call("GET", `/v1/outcomes/${outcomeId}`)).json()) as Receipt;
        const activity = receipt.records?.find((r) => r.role === "activity");
        expect(activity).toMatchObject({
          objectType: "calls",
          id: mine[0]?.id,
          url: `https://app.hubspot.com/contacts/${portalId}/record/0-48/${mine[0]?.id}`,
        });
        const lead = receipt.records?.find((r) => r.role === "lead");
        expect(lead).toMatchObject({
          objectType: c.object,
          id: crmId,
          url: `https://app.hubspot.com/contacts/${portalId}/record/${c.typeIdInUrl}/${crmId}`,
        });
      }
      const meetings = portal.meetings();
      expect(meetings).toHaveLength(1);
      expect(meetings[0]?.associated).toEqual({
        objectType: c.store,
        id: leased.get("objects-1"),
        typeId: c.meetingTypeId,
      });
      const revoked = leased.get("objects-0") as string;
      expect(portal.object(c.store, revoked)?.properties[c.doNotCall]).toBe("true");
      for (const crmId of inSource)
        expect(portal.object(c.store, crmId)?.properties.hs_lead_status).toBeUndefined();
      expect(await service.deadLetters.count()).toBe(0);
    }, 120_000);
  }
});
