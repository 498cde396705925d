import { type CrmSandbox, startSandbox } from "@telesync/sandbox";
import { afterEach, describe, expect, it } from "vitest";
import { sourceWarnings } from "../../connectors/index.js";
import { type LiveCheckRow, liveCheckRows } from "../../src/cli/live-check.js";
import { hubspotOutcomes, sandboxConfig, sandboxHubspot } from "../../src/demo/sandbox-config.js";
import { createTelesync } from "../../src/runtime/telesync.js";
import { dropPrefix, redisUrl, uniquePrefix } from "../support/redis.js";

let sandbox: CrmSandbox;
afterEach(async () => {
  await sandbox.close();
});

interface Setup {
  companyPhone?: string;
  companyDoNotCall?: string;
  customObject?: string;
  scopes?: string[];
  leadUpdates?: Record<string, string>;
}

function configFor(setup: Setup, prefix: string) {
  const custom = setup.customObject ?? "p62515_donors";
  return sandboxConfig({
    redis: { url: redisUrl(), prefix },
    integrations: {
      hs: sandboxHubspot(sandbox.hubspotBasePath, {
        dispositions: {
          connected: {
            value: hubspotOutcomes.connected,
            ...(setup.leadUpdates ? { leadUpdates: setup.leadUpdates } : {}),
          },
        },
        objects: {
          companies: { doNotCall: { property: setup.companyDoNotCall ?? "telesync_do_not_call" } },
          [custom]: { doNotCall: { property: "do_not_call" }, phoneProperties: ["phone_number"] },
        },
      }),
    },
    mappings: {
      company: { fields: [{ to: "phone", from: setup.companyPhone ?? "phone", transform: ["phone"] }] },
      donor: { fields: [{ to: "phone", from: "phone_number", transform: ["phone"] }] },
    },
    sources: [
      {
        id: "companies",
        integration: "hs",
        campaign: "q4",
        mapping: "company",
        select: { object: "companies", allRecords: true },
      },
      {
        id: "donors",
        integration: "hs",
        campaign: "q4",
        mapping: "donor",
        select: {
          object: custom,
          search: {
            filterGroups: [{ filters: [{ propertyName: "stage", operator: "EQ", value: "Active" }] }],
          },
        },
      },
    ],
    campaigns: { q4: {} },
  });
}

async function run(setup: Setup): Promise<{ ok: boolean; lines: string[] }> {
  sandbox = await startSandbox({ port: 0, ...(setup.scopes ? { hubspot: { scopes: setup.scopes } } : {}) });
  const prefix = uniquePrefix();
  const config = configFor(setup, prefix);
  const telesync = createTelesync({ config, compliance: false });
  try {
    const rows: LiveCheckRow[] = await liveCheckRows(telesync, config);
    return {
      ok: rows.every((row) => row.status !== "error"),
      lines: rows.map((row) => `${row.subject}: ${row.check}: ${row.detail}`),
    };
  } finally {
    await telesync.close();
    await dropPrefix(prefix);
  }
}

describe("telesync check --live: HubSpot company and custom-object sources", () => {
  it("passes a company source and a custom object named by its fully qualified name", async () => {
    const { ok, lines } = await run({});
    expect(lines).toContain('source companies: mapping: mapping "company" fits companies');
    expect(lines).toContain('source donors: mapping: mapping "donor" fits p62515_donors');
    expect(lines).toContain("source companies: probe: companies readable");
    expect(lines).toContain("source donors: probe: search accepted; 0 p62515_donors match");
    // The scopes a company and a custom object need (HubSpot scopes reference).
    const scopes = lines.find((line) => line.includes(": scopes: "));
    for (const scope of [
      "crm.objects.companies.read",
      "crm.objects.companies.write",
      "crm.objects.custom.read",
      "crm.objects.custom.write",
      "crm.schemas.custom.read",
    ])
      expect(scopes).toContain(scope);
    expect(ok).toBe(true);
  });

  it("names a phone mapped from a number property, a missing do-not-call property, an unknown custom object", async () => {
    const { ok, lines } = await run({
      companyPhone: "numberofemployees",
      companyDoNotCall: "no_such_checkbox",
      customObject: "2-999",
    });
    expect(lines).toContain(
      "source companies: mapping select: companies.numberofemployees is a number property, not a phone number (a string / phonenumber property)",
    );
    expect(lines).toContain(
      "source companies: mapping select: companies.no_such_checkbox: no such property (the do-not-call property)",
    );
    expect(lines).toContainEqual(
      "source donors: mapping: could not read the 2-999 schema: 2-999: no such custom object in the account (its custom objects: 2-3508482 (p62515_donors))",
    );
    expect(ok).toBe(false);
  });

  it("a contact property in dispositions' leadUpdates is a warning on company and custom-object sources, as the writer skips it", async () => {
    // hs_lead_status is a contact property (sandbox schema); the sandbox's companies and donors lack it,
    // and industry is a company property the donors lack.
    const { ok, lines } = await run({ leadUpdates: { hs_lead_status: "CONNECTED", industry: "RETAIL" } });
    const notWritten = (object: string, property: string) =>
      `mapping dispositions.connected.leadUpdates.${property}: ${object} has no field "${property}": not written to ${object} records (records of this object take only the updates they have a field for)`;
    expect(lines).toContain(`source companies: ${notWritten("companies", "hs_lead_status")}`);
    expect(lines).toContain(`source donors: ${notWritten("p62515_donors", "hs_lead_status")}`);
    expect(lines).toContain(`source donors: ${notWritten("p62515_donors", "industry")}`);
    expect(
      lines.some((line) =>
        line.startsWith("source companies: mapping dispositions.connected.leadUpdates.industry"),
      ),
    ).toBe(false);
    expect(ok).toBe(true);
  });

  it("names the scopes a custom-object source lacks", async () => {
    const { ok, lines } = await run({
      scopes: [
        "oauth",
        "crm.objects.contacts.read",
        "crm.objects.contacts.write",
        "crm.objects.companies.read",
        "crm.objects.companies.write",
      ],
    });
    expect(lines).toContainEqual(
      expect.stringContaining(
        "scopes: missing: crm.objects.custom.read, crm.objects.custom.write, crm.schemas.custom.read",
      ),
    );
    expect(ok).toBe(false);
  });

  it("check (offline) warns when a company or custom-object source has no do-not-call property", () => {
    const config = sandboxConfig({
      redis: { url: redisUrl(), prefix: "unused" },
      integrations: { hs: sandboxHubspot("http://127.0.0.1:1/hubspot", { objects: { "2-3508482": {} } }) },
      mappings: {},
      campaigns: {},
    });
    const hs = config.integrations.hs;
    if (!hs) throw new Error("no integration hs");
    expect(sourceWarnings(hs, { object: "2-3508482", allRecords: true })).toEqual([
      expect.stringContaining("2-3508482 records have no do-not-call property telesync knows"),
    ]);
    expect(sourceWarnings(hs, { object: "companies", allRecords: true })).toEqual([
      expect.stringContaining("companies records have no do-not-call property"),
    ]);
    expect(sourceWarnings(hs, { allContacts: true })).toEqual([]);
  });
});
