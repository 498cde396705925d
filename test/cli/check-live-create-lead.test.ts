import { type CrmSandbox, startSandbox } from "@telesync/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { liveCheckRows } from "../../src/cli/live-check.js";
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

async function run(idField: string, extraField?: string): Promise<{ ok: boolean; lines: string[] }> {
  const prefix = uniquePrefix();
  const configure = (input: ConfigInput): ConfigInput => ({
    ...input,
    inbound: {
      policy: "create-lead",
      createLead: {
        integration: "sf",
        object: "Lead",
        idField,
        fields: {
          Phone: { from: "phone" },
          LastName: { from: "callerLastName", default: "Unknown caller" },
          Company: { value: "Unknown" },
          ...(extraField ? { [extraField]: { value: "x" } } : {}),
        },
      },
    },
  });
  const config = salesforceTestConfig(sandbox.url, prefix, undefined, configure);
  const telesync = createTelesync({ config, compliance: false });
  try {
    // The live check's rows as "subject: detail", ok when none is an error.
    const rows = await liveCheckRows(telesync, config);
    return {
      ok: rows.every((row) => row.status !== "error"),
      lines: rows.map((row) => `${row.subject}: ${row.detail}`),
    };
  } finally {
    await telesync.close();
    await dropPrefix(prefix);
  }
}

describe("telesync check --live: inbound.createLead against the Lead describe", () => {
  it("passes when the id field is an External ID and every mapped field exists", async () => {
    const { ok, lines } = await run("Telesync_Inbound_Id__c");
    expect(lines).toContain(
      "inbound.createLead (sf Lead): Telesync_Inbound_Id__c and Phone, LastName, Company ok",
    );
    expect(ok).toBe(true);
  });

  it("fails on an id field that is not unique, and on a field the Lead lacks", async () => {
    // Description exists on Lead but is no External ID: a retry could not find the first create by it.
    const { ok, lines } = await run("Description", "Shoe_Size__c");
    expect(lines).toContainEqual(
      expect.stringMatching(/^inbound\.createLead \(sf Lead\): Description is not unique/),
    );
    expect(lines).toContain("inbound.createLead (sf Lead): no field Shoe_Size__c");
    expect(ok).toBe(false);
  });
});
