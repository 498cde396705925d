import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CrmSandbox, startSandbox } from "@telesync/sandbox";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { buildProgram } from "../../src/cli/main.js";
import { configSchema } from "../../src/config/schema.js";
import type { Lead } from "../../src/model/lead.js";
import { createTelesync, type Telesync } from "../../src/runtime/telesync.js";
import { type ConfigInput, salesforceTestConfigInput, unscreened } from "../support/harness.js";
import { salesforceLead } from "../support/leads.js";
import { dropPrefix, uniquePrefix } from "../support/redis.js";
import { insertLeads, withAddress, writeConfigFile } from "./support.js";

const DAY = 86_400_000;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function lead(phone: string, region: string): Lead {
  return salesforceLead(phone, phone, { country: "US", region, modifiedAt: new Date().toISOString() });
}

describe("registry snapshots: `telesync registry import` and the gate", () => {
  let sandbox: CrmSandbox;
  let telesync: Telesync;
  let prefix: string;
  let dir: string;
  let input: ConfigInput;

  beforeEach(async () => {
    sandbox = await startSandbox({ port: 0 });
    prefix = uniquePrefix();
    dir = mkdtempSync(join(tmpdir(), "telesync-registry-"));
    const base = withAddress(salesforceTestConfigInput(sandbox.url, prefix, "005000000000007AAA"));
    input = {
      ...base,
      sources: [
        { id: "leads", integration: "sf", campaign: "q4", mapping: "lead", select: { object: "Lead" } },
      ],
      campaigns: {
        // q4 may call only numbers screened against a fresh US registry snapshot.
        q4: {
          compliance: { requiredRegistries: ["US"], unscreenedReason: "this campaign calls US numbers only" },
        },
        open: { compliance: unscreened },
      },
    };
    telesync = createTelesync({ config: configSchema.parse(input) });
  });

  afterEach(async () => {
    await telesync.close();
    await sandbox.close();
    await dropPrefix(prefix);
    rmSync(dir, { recursive: true, force: true });
  });

  async function cli(...args: string[]): Promise<string[]> {
    const file = writeConfigFile(dir, input);
    const lines: string[] = [];
    const log = vi.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
    try {
      await buildProgram().parseAsync(["node", "telesync", "--config", file, ...args]);
    } finally {
      log.mockRestore();
    }
    return lines;
  }

  async function importNumbers(date: string, numbers: string[]): Promise<string[]> {
    const file = join(dir, "dnc.txt");
    writeFileSync(file, numbers.join("\n"));
    return cli("registry", "import", "us", file, "--date", date);
  }

  it("a campaign requiring a registry with no snapshot is blocked with a clear reason", async () => {
    const [decision] = await telesync.compliance.decide([lead("+12125550102", "NY")], "q4");
    expect(decision).toMatchObject({
      decision: "block",
      reason: "no registry snapshot for US",
      rule: { id: "registry.US" },
    });
    // The default policy requires none, so the same lead is not blocked in another campaign.
    const [open] = await telesync.compliance.decide([lead("+12125550102", "NY")], "open");
    expect(open?.decision).not.toBe("block");
  });

  it("imports a file line by line, normalising to E.164; the gate blocks a listed number", async () => {
    const today = day(Date.now());
    const out = await importNumbers(today, [
      "# National DNC Registry, area code 212",
      "212,5550102",
      "(212) 555-0103",
      "+1 212 555 0104",
      "",
      "not a number",
    ]);
    expect(out[0]).toBe(`US registry snapshot of ${today}: 3 numbers imported, 1 lines rejected`);
    expect(out[1]).toMatch(/campaigns requiring US may call until \d{4}-\d\d-\d\d \(31 days\)/);
    const snapshots = await telesync.compliance.registries.snapshots();
    expect(snapshots.get("US")).toMatchObject({ snapshotAt: today, numbers: 3, rejected: 1 });

    const decisions = await telesync.compliance.decide(
      [lead("+12125550102", "NY"), lead("+12125550199", "NY")],
      "q4",
    );
    expect(decisions[0]).toMatchObject({
      decision: "block",
      reason: "number is listed on the National Do Not Call Registry",
      rule: { id: "registry.US", version: expect.stringMatching(/^registries@/) },
      evidence: { jurisdiction: "US", detail: `snapshot ${today}` },
    });
    expect(decisions[1]?.decision).not.toBe("block");
    // Listed numbers are blocked in every campaign, required or not.
    const [open] = await telesync.compliance.decide([lead("+12125550103", "NY")], "open");
    expect(open).toMatchObject({ decision: "block", rule: { id: "registry.US" } });

    // And at sync time the listed lead is not queued.
    const ids = insertLeads(sandbox, [
      { name: "Listed", phone: "(212) 555-0104", state: "NY" },
      { name: "Clean", phone: "(212) 555-0199", state: "NY" },
    ]);
    expect(await telesync.sync("leads")).toMatchObject({ added: 1, blocked: 1 });
    expect(await telesync.dialQueues.get("q4").queue.getJob(`sf/Lead/${ids.get("Listed")}`)).toBeUndefined();
  });

  it("a snapshot older than 31 days blocks the US leads of the campaign that requires it", async () => {
    await importNumbers(day(Date.now() - 40 * DAY), ["2125550102"]);
    const [stale] = await telesync.compliance.decide([lead("+12125550199", "NY")], "q4");
    expect(stale).toMatchObject({ decision: "block", rule: { id: "registry.US" } });
    expect((stale as { reason: string }).reason).toMatch(
      /^stale registry snapshot: US checked .*, limit 31 days$/,
    );
    const [open] = await telesync.compliance.decide([lead("+12125550199", "NY")], "open");
    expect(open?.decision).not.toBe("block");
    const listing = await cli("registry", "list");
    expect(listing.join("\n")).toMatch(
      /US {2}snapshot .* \(40 days old, limit 31\) {2}1 numbers {2}STALE {2}required by: q4/,
    );

    // A fresh import replaces the snapshot whole: the old numbers are gone.
    await importNumbers(day(Date.now()), ["2125550103"]);
    const [fresh, unlisted] = await telesync.compliance.decide(
      [lead("+12125550103", "NY"), lead("+12125550102", "NY")],
      "q4",
    );
    expect(fresh).toMatchObject({ decision: "block", reason: expect.stringMatching(/listed/) });
    expect(unlisted?.decision).not.toBe("block");
  });

  it("refuses a malformed or future snapshot date", async () => {
    await expect(importNumbers("2026-13-01", ["2125550102"])).rejects.toThrow(/YYYY-MM-DD/);
    await expect(importNumbers(day(Date.now() + 2 * DAY), ["2125550102"])).rejects.toThrow(/future/);
    expect((await telesync.compliance.registries.snapshots()).size).toBe(0);
  });
});
