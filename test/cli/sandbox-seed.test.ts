import { type CrmSandbox, startSandbox } from "@telesync/sandbox";
import { afterEach, describe, expect, it } from "vitest";
import { seedSandbox } from "../../src/demo/seed-sandbox.js";

/** NANP: +1 NXX NXX XXXX, N = 2–9 (area code and exchange never start with 0 or 1). */
const nanp = /^\+1[2-9]\d{2}[2-9]\d{6}$/;

interface Page {
  results: Array<{ id: string; properties: Record<string, string | null> }>;
}

describe("telesync sandbox --seed N: what the sandbox starts with (read back over its HTTP API)", () => {
  let sandbox: CrmSandbox | undefined;
  afterEach(async () => {
    await sandbox?.close();
    sandbox = undefined;
  });

  const read = async (path: string): Promise<Page> => {
    const response = await fetch(`${sandbox?.hubspotBasePath}${path}`, {
      headers: { authorization: "Bearer sandbox-token" },
    });
    expect(response.status, path).toBe(200);
    return (await response.json()) as Page;
  };

  it("--seed 20: 20 Leads and 20 contacts in the list, and 2 companies and 2 donors (a tenth) with NANP phones, numbered by index", async () => {
    sandbox = await startSandbox({ port: 0 });
    const seeded = seedSandbox(sandbox, { count: 20, hubspotList: "1001" });
    expect(seeded.leads).toHaveLength(20);
    expect(seeded.contacts).toHaveLength(20);

    // Ids: the sandbox numbers companies from 3000001 and donors from 7000001; phones +1 415 556
    // (companies) and +1 415 557 (donors) then the index in four digits, industry non-profit and
    // stage Active unless told otherwise.
    const companies = await read("/crm/v3/objects/companies?limit=100&properties=name,phone,industry,state");
    expect(companies.results.map((c) => ({ id: c.id, ...c.properties }))).toEqual([
      expect.objectContaining({
        id: "3000001",
        name: "Company 0",
        phone: "+14155560000",
        industry: "NON_PROFIT_ORGANIZATION_MANAGEMENT",
        state: "CA",
      }),
      expect.objectContaining({
        id: "3000002",
        name: "Company 1",
        phone: "+14155560001",
        industry: "NON_PROFIT_ORGANIZATION_MANAGEMENT",
        state: "CA",
      }),
    ]);
    // The custom object by its type id, as a source's `object: 2-3508482` reads it.
    const donors = await read("/crm/v3/objects/2-3508482?limit=100&properties=donor_name,phone_number,stage");
    expect(donors.results.map((d) => ({ id: d.id, ...d.properties }))).toEqual([
      expect.objectContaining({
        id: "7000001",
        donor_name: "Donor 0",
        phone_number: "+14155570000",
        stage: "Active",
      }),
      expect.objectContaining({
        id: "7000002",
        donor_name: "Donor 1",
        phone_number: "+14155570001",
        stage: "Active",
      }),
    ]);
    expect(seeded.companies).toEqual(["3000001", "3000002"]);
    expect(seeded.donors).toEqual(["7000001", "7000002"]);

    const members = await read("/crm/v3/lists/1001/memberships?limit=100");
    expect(members.results).toHaveLength(20);
    const contacts = await read("/crm/v3/objects/contacts?limit=100&properties=phone");
    const phones = [
      ...contacts.results.map((c) => c.properties.phone),
      ...companies.results.map((c) => c.properties.phone),
      ...donors.results.map((d) => d.properties.phone_number),
    ];
    for (const phone of phones) expect(phone).toMatch(nanp);
    // No company or donor shares a number with a contact: each lead is its own person to the gate.
    expect(new Set(phones).size).toBe(24);
  });

  it("--seed 5: rounds a tenth up, so a small seed still has a company and a donor", async () => {
    sandbox = await startSandbox({ port: 0 });
    const seeded = seedSandbox(sandbox, { count: 5, hubspotList: "1001" });
    expect([seeded.companies, seeded.donors]).toEqual([["3000001"], ["7000001"]]);
  });
});
