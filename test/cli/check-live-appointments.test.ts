import { type CrmSandbox, startSandbox } from "@telesync/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LiveCheckRow, liveCheckRows } from "../../src/cli/live-check.js";
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

async function run(appointmentIdField?: string): Promise<{ ok: boolean; rows: LiveCheckRow[] }> {
  const prefix = uniquePrefix();
  const configure = (input: ConfigInput): ConfigInput => {
    const sf = input.integrations.sf;
    if (sf?.vendor !== "salesforce") throw new Error("harness config has no Salesforce integration");
    return {
      ...input,
      integrations: {
        sf: appointmentIdField ? { ...sf, writeback: { ...sf.writeback, appointmentIdField } } : sf,
        hs: {
          vendor: "hubspot",
          basePath: sandbox.hubspotBasePath,
          auth: { type: "private_app", accessToken: "sandbox-token" },
        },
      },
    };
  };
  const config = salesforceTestConfig(sandbox.url, prefix, undefined, configure);
  const telesync = createTelesync({ config, compliance: false });
  try {
    const rows = await liveCheckRows(telesync, config);
    return { ok: rows.every((r) => r.status !== "error"), rows };
  } finally {
    await telesync.close();
    await dropPrefix(prefix);
  }
}

describe("telesync check --live: appointment id fields", () => {
  it("reports the Event field and the meeting property when they exist", async () => {
    const { ok, rows } = await run();
    expect(rows).toContainEqual({
      subject: "integration sf",
      check: "appointments Event.Telesync_Appointment_Id__c",
      status: "ok",
      detail: "appointments go to Event",
    });
    expect(rows).toContainEqual({
      subject: "integration hs",
      check: "appointments meetings.telesync_appointment_id",
      status: "ok",
      detail: "appointments go to meetings",
    });
    expect(ok).toBe(true);
  });

  it("fails and names the missing field when an admin has not created it", async () => {
    const { ok, rows } = await run("Missing_Appointment__c");
    expect(rows).toContainEqual({
      subject: "integration sf",
      check: "appointments Event.Missing_Appointment__c",
      status: "error",
      detail: "Event has no field Missing_Appointment__c",
      fix: "create it (text) before outcomes carry appointments",
    });
    expect(ok).toBe(false);
  });
});
