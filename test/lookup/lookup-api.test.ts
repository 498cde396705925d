import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConfigInput, eventually, type Harness, outcomeBody, startHarness } from "../support/harness.js";
import { redisUrl } from "../support/redis.js";

/** One number, written three ways by three records in two CRMs. */
const shared = { lead: "(415) 555-0199", contact: "+1 415-555-0199", hubspot: "415.555.0199" };
const portalId = "4455667";

/** The harness config plus a HubSpot integration on the same sandbox server (served under /hubspot). */
function withHubspot() {
  return (input: ConfigInput): ConfigInput => ({
    ...input,
    integrations: {
      ...input.integrations,
      hs: {
        vendor: "hubspot",
        basePath: `${(input.integrations.sf as { instanceUrl: string }).instanceUrl}/hubspot`,
        auth: { type: "private_app", accessToken: "sandbox-token" },
        portalId,
        searchRequestsPerSecond: 50,
      },
    },
  });
}

describe("GET /v1/lookup (screen pop) against the sandbox", () => {
  let h: Harness;
  let ids: { lead: string; contact: string; hubspot: string; decoys: string[] };

  beforeAll(async () => {
    h = await startHarness({
      configure: withHubspot(),
      seed: (sandbox) => {
        const account = sandbox.salesforce.insert("Account", { Name: "Acme" });
        const lead = sandbox.salesforce.insert("Lead", {
          FirstName: "Ada",
          LastName: "Lead",
          Company: "Acme",
          Phone: shared.lead,
        });
        const contact = sandbox.salesforce.insert("Contact", {
          AccountId: account,
          FirstName: "Cy",
          LastName: "Contact",
          MobilePhone: shared.contact,
        });
        // Near misses: another number, and the same digits behind another country code.
        const decoys = [
          sandbox.salesforce.insert("Lead", { LastName: "Other", Company: "X", Phone: "(415) 555-0198" }),
          sandbox.salesforce.insert("Contact", {
            AccountId: account,
            LastName: "Abroad",
            Phone: "+44 4155550199",
          }),
        ];
        const [hubspot] = sandbox.hubspot.seedContacts(1, {
          properties: () => ({ firstname: "Hu", lastname: "Spot", phone: shared.hubspot }),
        });
        sandbox.hubspot.seedContacts(1, { properties: () => ({ phone: "+1 415 555 0198" }) });
        ids = { lead, contact, hubspot: hubspot ?? "", decoys };
        return [lead];
      },
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("returns every record carrying the number across integrations, with CRM links and queue state", async () => {
    const response = await h.call("GET", `/v1/lookup?phone=${encodeURIComponent("415-555-0199")}`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      phone: string;
      records: Array<Record<string, unknown>>;
      consent: { suppressed: boolean };
      unavailable: unknown[];
      cached: boolean;
    };
    expect(body.unavailable).toEqual([]);
    expect(body.cached).toBe(false);
    expect(body.phone).toBe("+1415•••••99");
    const byId = new Map(body.records.map((r) => [r.id, r]));
    expect([...byId.keys()].sort()).toEqual([ids.lead, ids.contact, ids.hubspot].sort());
    expect(byId.get(ids.lead)).toMatchObject({
      integration: "sf",
      objectType: "Lead",
      leadKey: `sf/Lead/${ids.lead}`,
      name: "Ada Lead",
      phoneField: "Phone",
      url: `${h.sandbox.url}/lightning/r/Lead/${ids.lead}/view`,
      // The harness synced the Lead source into campaign q4.
      queued: [{ campaign: "q4", state: "waiting", attempts: 0 }],
    });
    expect(byId.get(ids.contact)).toMatchObject({
      integration: "sf",
      objectType: "Contact",
      name: "Cy Contact",
      phoneField: "MobilePhone",
      url: `${h.sandbox.url}/lightning/r/Contact/${ids.contact}/view`,
      queued: [],
    });
    expect(byId.get(ids.hubspot)).toMatchObject({
      integration: "hs",
      objectType: "contacts",
      name: "Hu Spot",
      phoneField: "phone",
      url: `https://app.hubspot.com/contacts/${portalId}/record/0-1/${ids.hubspot}`,
    });
    for (const record of body.records) expect(String(record.phone)).not.toMatch(/555.?0199/);
    expect(body.consent).toEqual({ suppressed: false });
  });

  it("shows the number's last lease and its latest outcome, through to the Task it wrote in the CRM", async () => {
    const leased = await h.call("POST", "/v1/campaigns/q4/leases");
    expect(leased.status).toBe(200);
    const { leaseId } = (await leased.json()) as { leaseId: string };
    const posted = await h.call(
      "POST",
      `/v1/leases/${leaseId}/outcome`,
      outcomeBody("screen-pop-recent-1", { disposition: "voicemail", notes: "left a message" }),
    );
    expect(posted.status).toBe(202);
    type Recent = {
      lastLease?: { leadKey: string; at: string };
      outcomes: Array<
        {
          outcomeId: string;
          state?: string;
          records?: Array<{ role: string; objectType: string; id: string }>;
        } & Record<string, unknown>
      >;
    };
    let recent: Recent = { outcomes: [] };
    await eventually(
      async () => {
        const body = (await (await h.call("GET", "/v1/lookup?phone=4155550199")).json()) as {
          recent: Recent;
        };
        recent = body.recent;
        return recent.outcomes[0]?.state === "written";
      },
      30_000,
      "the outcome written to Salesforce",
    );
    // The one Lead in campaign q4 carries the number; the outcome is the one posted above.
    expect(recent.lastLease?.leadKey).toBe(`sf/Lead/${ids.lead}`);
    expect(recent.outcomes).toHaveLength(1);
    expect(recent.outcomes[0]).toMatchObject({
      outcomeId: "screen-pop-recent-1",
      leadKey: `sf/Lead/${ids.lead}`,
      campaign: "q4",
      direction: "outbound",
      disposition: "voicemail",
    });
    const task = recent.outcomes[0]?.records?.find((record) => record.role === "activity");
    expect(task?.objectType).toBe("Task");
    const stored = h.sandbox.salesforce.all("Task").find((row) => row.Id === task?.id);
    expect(stored?.WhoId).toBe(ids.lead);
  });

  it("answers a second screen pop from the cache, without asking either CRM, and shows an opt-out at once", async () => {
    const searchesBefore = h.sandbox.salesforce.stats().search;
    const hubspotSearchesBefore = h.sandbox.hubspot.stats().requests;
    await h.service.consent.suppression.add(["+14155550199"], {
      source: "api",
      at: "2026-11-30T08:00:00.000Z",
      reason: "stop calling me",
    });
    const body = (await (await h.call("GET", "/v1/lookup?phone=%2B14155550199")).json()) as {
      records: unknown[];
      cached: boolean;
      consent: unknown;
    };
    expect(body.cached).toBe(true);
    expect(body.records).toHaveLength(3);
    expect(body.consent).toEqual({
      suppressed: true,
      source: "api",
      at: "2026-11-30T08:00:00.000Z",
      reason: "stop calling me",
    });
    expect(h.sandbox.salesforce.stats().search).toBe(searchesBefore);
    expect(h.sandbox.hubspot.stats().requests).toEqual(hubspotSearchesBefore);
  });

  it("keeps phone digits out of Redis key names", async () => {
    const redis = new Redis(redisUrl());
    try {
      const prefix = h.telesync.prefix;
      const keys = await redis.keys(`${prefix}:lookup*`);
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) {
        expect(key).not.toContain("5550199");
        expect(key).not.toContain("555-0199");
      }
    } finally {
      redis.disconnect();
    }
  });

  it("sends hostile search input to Salesforce escaped (the sandbox refuses unescaped SOSL operators)", async () => {
    const connector = h.telesync.connector("sf");
    const hostile = {
      e164: "+14155550199",
      nationalDigits: "0199} IN ALL FIELDS RETURNING User(Id) {*",
      forms: [],
    };
    const searchesBefore = h.sandbox.salesforce.stats().search;
    await expect(connector.findByPhone?.(hostile)).resolves.toEqual([]);
    expect(h.sandbox.salesforce.stats().search).toBe(searchesBefore + 1);
  });

  it("refuses what is not a phone number with 400 invalid_phone", async () => {
    const response = await h.call("GET", `/v1/lookup?phone=${encodeURIComponent("} OR {*")}`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe("invalid_phone");
  });
});
