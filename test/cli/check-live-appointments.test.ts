import { type CrmSandbox, startSandbox } from "@telesync/sandbox";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { checkLive } from "../../src/cli/commands/check.js";
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

async function run(appointmentIdField?: string): Promise<{ ok: boolean; lines: string[] }> {
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
  const lines: string[] = [];
  const spy = vi.spyOn(console, "log").mockImplementation((line: unknown) => {
    lines.push(String(line));
  });
  try {
    return { ok: await checkLive(telesync, config), lines };
  } finally {
    spy.mockRestore();
    await telesync.close();
    await dropPrefix(prefix);
  }
}

describe("telesync check --live: appointment id fields", () => {
  it("reports the Event field and the meeting property when they exist", async () => {
    const { ok, lines } = await run();
    expect(lines).toContain("integration sf: appointments go to Event; Telesync_Appointment_Id__c ok");
    expect(lines).toContain("integration hs: appointments go to meetings; telesync_appointment_id ok");
    expect(ok).toBe(true);
  });

  it("fails and names the missing field when an admin has not created it", async () => {
    const { ok, lines } = await run("Missing_Appointment__c");
    expect(lines).toContain(
      "integration sf: Event has no field Missing_Appointment__c: create it (text) before outcomes carry appointments",
    );
    expect(ok).toBe(false);
  });
});
