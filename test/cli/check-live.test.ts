import { type CrmSandbox, startSandbox } from "@telesync/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatLiveTable, type LiveCheckRow, liveCheckRows } from "../../src/cli/live-check.js";
import { type HubspotInput, sandboxHubspot, sandboxMappings } from "../../src/demo/sandbox-config.js";
import { createTelesync } from "../../src/runtime/telesync.js";
import { type ConfigInput, salesforceTestConfig } from "../support/harness.js";
import { dropPrefix, uniquePrefix } from "../support/redis.js";

/**
 * `telesync check --live` against the sandbox, which answers as the vendor docs say: Salesforce's
 * token endpoint (OAuth 2.0 refresh token flow: `invalid_client` for a wrong secret) and identity URL,
 * HubSpot's private-app token info (`POST /oauth/v2/private-apps/get/access-token-info`), OAuth token
 * metadata (`GET /oauth/v1/access-tokens/{token}`) and properties API.
 */
let sandbox: CrmSandbox;
const prefixes: string[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(async () => {
  await sandbox.close();
  for (const prefix of prefixes) await dropPrefix(prefix);
});

interface Tweaks {
  sf?: Record<string, unknown>;
  hs?: Partial<Omit<HubspotInput, "vendor">>;
  where?: string;
  hubspotSearch?: { propertyName: string; operator: "EQ"; value: string };
  prefix?: string;
}

function config(at: CrmSandbox, tweaks: Tweaks = {}) {
  const prefix = tweaks.prefix ?? uniquePrefix();
  prefixes.push(prefix);
  return salesforceTestConfig(at.url, prefix, undefined, (input: ConfigInput): ConfigInput => {
    const sf = input.integrations.sf;
    if (sf?.vendor !== "salesforce") throw new Error("no Salesforce integration");
    return {
      ...input,
      integrations: {
        sf: { ...sf, ...(tweaks.sf ?? {}) } as typeof sf,
        hs: sandboxHubspot(at.hubspotBasePath, tweaks.hs),
      },
      mappings: { ...input.mappings, contact: sandboxMappings.hubspotContact },
      sources: [
        {
          id: "leads",
          integration: "sf",
          campaign: "q4",
          mapping: "lead",
          select: { object: "Lead", ...(tweaks.where ? { where: tweaks.where } : {}) },
        },
        {
          id: "contacts",
          integration: "hs",
          campaign: "q4",
          mapping: "contact",
          select: {
            search: {
              filterGroups: [
                { filters: [tweaks.hubspotSearch ?? { propertyName: "state", operator: "EQ", value: "CA" }] },
              ],
            },
          },
        },
      ],
    };
  });
}

async function check(cfg: ReturnType<typeof config>): Promise<LiveCheckRow[]> {
  const telesync = createTelesync({ config: cfg, compliance: false });
  try {
    return await liveCheckRows(telesync, cfg);
  } finally {
    await telesync.close();
  }
}

const row = (rows: LiveCheckRow[], subject: string, check: string) =>
  rows.find((r) => r.subject === subject && r.check === check);

describe("telesync check --live", () => {
  it("on a correct config: fresh tokens, scopes, identity, HubSpot property types and a probe of each source, all ok", async () => {
    const rows = await check(config(sandbox));
    expect(rows.filter((r) => r.status !== "ok")).toEqual([]);
    expect(row(rows, "integration sf", "token")?.status).toBe("ok");
    expect(row(rows, "integration sf", "scopes")).toMatchObject({
      status: "ok",
      detail: "granted: api refresh_token",
    });
    expect(row(rows, "integration sf", "identity")).toMatchObject({
      status: "ok",
      detail: expect.stringContaining("admin@sandbox.telesync.example"),
    });
    expect(row(rows, "source leads", "probe")?.status).toBe("ok");
    expect(row(rows, "integration hs", "scopes")?.status).toBe("ok");
    expect(row(rows, "integration hs", "property contacts.telesync_do_not_call")).toMatchObject({
      status: "ok",
      detail: "single checkbox (bool)",
    });
    expect(row(rows, "integration hs", "property calls.telesync_outcome_id")).toMatchObject({
      status: "ok",
      detail: "single-line text",
    });
    expect(row(rows, "source contacts", "probe")).toMatchObject({ status: "ok" });
  });

  it("fails a wrong Salesforce client secret even while a working token is cached in Redis", async () => {
    const prefix = uniquePrefix();
    const good = createTelesync({ config: config(sandbox, { prefix }), compliance: false });
    try {
      await good.connector("sf").verifyCredentials(); // caches a valid token under the prefix
    } finally {
      await good.close();
    }
    const wrong = config(sandbox, {
      prefix,
      sf: {
        auth: {
          type: "refresh_token",
          clientId: "sandbox-client",
          clientSecret: "wrong",
          refreshToken: "sandbox-refresh",
        },
      },
    });
    // The old check (one call with whatever token is at hand) passes on the cached token …
    const telesync = createTelesync({ config: wrong, compliance: false });
    try {
      await expect(telesync.connector("sf").verifyCredentials()).resolves.toBeUndefined();
    } finally {
      await telesync.close();
    }
    // … the live check asks the token endpoint, which refuses (Salesforce: invalid_client).
    const rows = await check(wrong);
    expect(row(rows, "integration sf", "token")).toMatchObject({
      status: "error",
      detail: expect.stringContaining("invalid client credentials"),
      fix: expect.stringContaining("clientSecret"),
    });
    // Nothing else is checked on an integration without a token.
    expect(rows.filter((r) => r.subject === "source leads")).toEqual([]);
  });

  it("fails a wrong HubSpot refresh token even while a working token is cached", async () => {
    const prefix = uniquePrefix();
    const oauth = {
      type: "oauth" as const,
      clientId: "sandbox-client",
      clientSecret: "sandbox-secret",
      refreshToken: "sandbox-refresh",
    };
    const good = createTelesync({
      config: config(sandbox, { prefix, hs: { auth: oauth } }),
      compliance: false,
    });
    try {
      await good.connector("hs").verifyCredentials();
    } finally {
      await good.close();
    }
    const rows = await check(
      config(sandbox, { prefix, hs: { auth: { ...oauth, refreshToken: "revoked" } } }),
    );
    expect(row(rows, "integration hs", "token")).toMatchObject({
      status: "error",
      detail: expect.stringContaining("BAD_REFRESH_TOKEN"),
    });
  });

  it("reads HubSpot OAuth scopes from the token metadata endpoint", async () => {
    const oauth = {
      type: "oauth" as const,
      clientId: "sandbox-client",
      clientSecret: "sandbox-secret",
      refreshToken: "sandbox-refresh",
    };
    const rows = await check(config(sandbox, { hs: { auth: oauth } }));
    expect(row(rows, "integration hs", "token")).toMatchObject({
      status: "ok",
      detail: expect.stringContaining("Hub ID 62515"),
    });
    expect(row(rows, "integration hs", "scopes")?.status).toBe("ok");
  });

  it("reports the HubSpot properties' wrong types, each with its fix", async () => {
    const rows = await check(
      config(sandbox, {
        hs: { doNotCall: { property: "hs_lead_status" }, outcomeIdProperty: "hs_call_duration" },
      }),
    );
    // An enumeration without the option "true" cannot say do-not-call; a number cannot hold a GUID.
    expect(row(rows, "integration hs", "property contacts.hs_lead_status")).toMatchObject({
      status: "error",
      detail: expect.stringContaining('without the option "true"'),
    });
    expect(row(rows, "integration hs", "property calls.hs_call_duration")).toMatchObject({
      status: "error",
      detail: expect.stringContaining("type number"),
    });
    const text = await check(
      config(sandbox, { hs: { doNotCall: { property: "firstname" }, outcomeIdProperty: "nope" } }),
    );
    expect(row(text, "integration hs", "property contacts.firstname")?.status).toBe("warn");
    expect(row(text, "integration hs", "property calls.nope")).toMatchObject({
      status: "error",
      fix: expect.stringContaining("create the call property nope"),
    });
  });

  it("probes each source's filter: a SOQL where on an unknown field and a search on an unknown property fail", async () => {
    const rows = await check(
      config(sandbox, {
        where: "Bogus_Field__c = 'x'",
        hubspotSearch: { propertyName: "no_such_property", operator: "EQ", value: "x" },
      }),
    );
    expect(row(rows, "source leads", "probe")).toMatchObject({
      status: "error",
      detail: expect.stringContaining("Bogus_Field__c"),
    });
    expect(row(rows, "source contacts", "probe")?.status).toBe("error");
  });
});

describe("the live check's table", () => {
  it("aligns status, subject and check, puts each fix under its row, and counts", () => {
    const lines = formatLiveTable([
      { subject: "integration sf", check: "token", status: "ok", detail: "a new access token" },
      {
        subject: "source leads",
        check: "probe",
        status: "error",
        detail: "refused",
        fix: "correct the where",
      },
      {
        subject: "integration hs",
        check: "property contacts.x",
        status: "warn",
        detail: "text",
        fix: "use a checkbox",
      },
    ]);
    expect(lines).toEqual([
      "STATUS  SUBJECT         CHECK                DETAIL",
      "ok      integration sf  token                a new access token",
      "ERROR   source leads    probe                refused",
      "        fix: correct the where",
      "WARN    integration hs  property contacts.x  text",
      "        fix: use a checkbox",
      "1 ok, 1 warnings, 1 errors",
    ]);
  });
});

describe("telesync check --live: scopes the token lacks", () => {
  let narrow: CrmSandbox;
  beforeAll(async () => {
    narrow = await startSandbox({
      port: 0,
      salesforce: { oauthScope: "refresh_token id" },
      hubspot: { scopes: ["crm.objects.contacts.read"] },
    });
  });
  afterAll(async () => {
    await narrow.close();
  });

  it("names the missing scopes of both vendors", async () => {
    const rows = await check(config(narrow));
    expect(row(rows, "integration sf", "scopes")).toMatchObject({
      status: "error",
      detail: "granted: refresh_token id; REST calls need api",
    });
    expect(row(rows, "integration hs", "scopes")).toMatchObject({
      status: "error",
      detail: expect.stringContaining("missing: crm.objects.contacts.write"),
    });
  });
});
