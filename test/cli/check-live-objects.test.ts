import { type CrmSandbox, startSandbox } from "@telesync/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sourceWarnings } from "../../connectors/index.js";
import { type LiveCheckRow, liveCheckRows } from "../../src/cli/live-check.js";
import type { SalesforceInput } from "../../src/demo/sandbox-config.js";
import { createTelesync } from "../../src/runtime/telesync.js";
import { type ConfigInput, salesforceTestConfig } from "../support/harness.js";
import { dropPrefix, uniquePrefix } from "../support/redis.js";

let sandbox: CrmSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(async () => {
  await sandbox.close();
});

interface Setup {
  donorPhone?: string;
  donorDoNotCall?: string;
  extraSources?: NonNullable<ConfigInput["sources"]>;
  dispositions?: SalesforceInput["dispositions"];
}

function configure(setup: Setup) {
  return (input: ConfigInput): ConfigInput => ({
    ...input,
    integrations: {
      sf: {
        ...(input.integrations.sf as SalesforceInput),
        // Call results only: disposition field updates are checked by other tests.
        dispositions: setup.dispositions ?? {
          connected: { value: "Connected" },
          no_answer: { value: "No Answer" },
        },
        objects: { Donor__c: { doNotCallField: setup.donorDoNotCall ?? "Do_Not_Call__c" } },
      },
    },
    mappings: {
      lead: { fields: [{ to: "phone", from: "Phone", transform: ["phone"] }] },
      donor: { fields: [{ to: "phone", from: setup.donorPhone ?? "Phone__c", transform: ["phone"] }] },
      person: { fields: [{ to: "phone", from: "PersonMobilePhone", transform: ["phone"] }] },
      pledge: { fields: [{ to: "phone", from: "Phone__c", transform: ["phone"] }] },
    },
    sources: [
      { id: "leads", integration: "sf", campaign: "q4", mapping: "donor", select: { object: "Donor__c" } },
      {
        id: "people",
        integration: "sf",
        campaign: "q4",
        mapping: "person",
        select: { object: "Account", accounts: "person" },
      },
      ...(setup.extraSources ?? []),
    ],
  });
}

async function run(setup: Setup): Promise<{ ok: boolean; lines: string[]; rows: LiveCheckRow[] }> {
  // Each row of the live check as "subject: detail" (the table's cells), ok when no row is an error.
  const prefix = uniquePrefix();
  const config = salesforceTestConfig(sandbox.url, prefix, undefined, configure(setup));
  const telesync = createTelesync({ config, compliance: false });
  try {
    const rows: LiveCheckRow[] = await liveCheckRows(telesync, config);
    return {
      rows,
      ok: rows.every((row) => row.status !== "error"),
      lines: rows.map((row) =>
        row.check === "mapping select"
          ? `${row.subject}: select: ${row.detail}`
          : `${row.subject}: ${row.detail}`,
      ),
    };
  } finally {
    await telesync.close();
    await dropPrefix(prefix);
  }
}

describe("telesync check --live: Account and custom-object sources", () => {
  it("passes a custom object with a phone field, activities and a checkbox, and a person-account source", async () => {
    const { ok, lines } = await run({});
    expect(lines).toContain('source leads: mapping "donor" fits Donor__c');
    expect(lines).toContain('source people: mapping "person" fits Account');
    expect(ok).toBe(true);
  });

  it("names a phone mapped from a text field, a do-not-call field that is no checkbox, an object without activities", async () => {
    const { ok, lines } = await run({
      donorPhone: "Name",
      donorDoNotCall: "Stage__c",
      extraSources: [
        {
          id: "pledges",
          integration: "sf",
          campaign: "q4",
          mapping: "pledge",
          select: { object: "Pledge__c" },
        },
      ],
    });
    expect(lines).toContain(
      "source leads: select: Donor__c.Name is a string field, not a phone field: map a phone field to phone",
    );
    expect(lines).toContain(
      "source leads: select: Donor__c.Stage__c is a picklist field; the do-not-call field must be a checkbox",
    );
    expect(lines).toContain(
      'source pledges: select: Pledge__c does not allow activities (Task.WhatId cannot name it): tick "Allow Activities" on the object',
    );
    expect(ok).toBe(false);
  });

  it("check (offline) warns when a source's records have no do-not-call field", () => {
    const config = salesforceTestConfig(sandbox.url, "unused", undefined, configure({}));
    const sf = config.integrations.sf;
    if (!sf) throw new Error("no integration sf");
    expect(sourceWarnings(sf, { object: "Account" })).toEqual([
      expect.stringContaining("Account records have no do-not-call field telesync knows"),
    ]);
    expect(sourceWarnings(sf, { object: "Donor__c" })).toEqual([]);
    expect(sourceWarnings(sf, { object: "Account", accounts: "person" })).toEqual([]);
  });

  it("an Account source: Lead Status in dispositions is reported as not written (warn); a field Account has is checked as written", async () => {
    const { ok, rows } = await run({
      // Integration-wide disposition updates: Status is a Lead field; Industry is an Account field
      // (sandbox Account schema) that Leads have too.
      dispositions: {
        connected: { value: "Connected", leadUpdates: { Status: "Working - Contacted", Industry: "Retail" } },
        no_answer: { value: "No Answer" },
      },
      extraSources: [
        {
          id: "companies",
          integration: "sf",
          campaign: "q4",
          mapping: "lead",
          select: { object: "Account" },
        },
      ],
    });
    const companies = rows.filter((row) => row.subject === "source companies");
    expect(companies).toContainEqual({
      subject: "source companies",
      check: "mapping dispositions.connected.leadUpdates.Status",
      status: "warn",
      detail:
        'Account has no field "Status": not written to Account records (records of this object take only the updates they have a field for)',
    });
    // Industry exists on Account: written there, so nothing to report; the mapping fits.
    expect(companies.some((row) => row.check.endsWith("leadUpdates.Industry"))).toBe(false);
    expect(companies).toContainEqual(
      expect.objectContaining({ check: "mapping", status: "ok", detail: 'mapping "lead" fits Account' }),
    );
    expect(ok).toBe(true);
  });
});
