import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CrmSandbox, startSandbox } from "@telesync/sandbox";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { buildProgram } from "../../src/cli/main.js";
import { SuppressionList } from "../../src/consent/suppression.js";
import { bullmqFallbackMs } from "../../src/queues/due-index.js";
import { createTelesync, type Telesync } from "../../src/runtime/telesync.js";
import { salesforceTestConfig, salesforceTestConfigInput } from "../support/harness.js";
import { dropPrefix, uniquePrefix } from "../support/redis.js";
import { insertLeads, withAddress, writeConfigFile } from "./support.js";

/** Tuesday 8 December 2026, 07:30 in New York. */
const at0730 = Date.parse("2026-12-08T12:30:00Z");

describe("compliance gate at sync time", () => {
  let sandbox: CrmSandbox;
  let telesync: Telesync;
  let prefix: string;
  let clock = at0730;

  beforeEach(async () => {
    sandbox = await startSandbox({ port: 0 });
    prefix = uniquePrefix();
    clock = at0730;
    sandbox.salesforce.setNow(new Date(clock - 60_000));
    telesync = createTelesync({
      config: salesforceTestConfig(sandbox.url, prefix, undefined, withAddress),
      now: () => new Date(clock),
    });
  });

  afterEach(async () => {
    await telesync.close();
    await sandbox.close();
    await dropPrefix(prefix);
  });

  const state = async (id: string | undefined) =>
    (await telesync.dialQueues.get("q4").queue.getJob(`sf/Lead/${id}`))?.getState() ?? "absent";

  it("queues a lead outside its window as a delayed job until the window opens, not dropped", async () => {
    const ids = insertLeads(sandbox, [
      { name: "NewYork", phone: "(212) 555-0102", state: "NY" },
      { name: "PuertoRico", phone: "(787) 555-0101", state: "PR" },
    ]);
    sandbox.salesforce.setNow(new Date(clock));
    const report = await telesync.sync("leads");
    expect(report).toMatchObject({ added: 2, held: 1, blocked: 0 });
    expect(await state(ids.get("PuertoRico"))).toBe("waiting");
    const job = await telesync.dialQueues.get("q4").queue.getJob(`sf/Lead/${ids.get("NewYork")}`);
    expect(await job?.getState()).toBe("delayed");
    // 30 minutes to 08:00 in New York, and BullMQ's own promotion a fallback margin later: telesync
    // releases it at 08:00 (see DueIndex).
    expect(job?.opts.delay).toBe(30 * 60_000 + bullmqFallbackMs);

    // A re-sync neither duplicates it nor releases it early.
    clock += 60_000;
    sandbox.salesforce.setNow(new Date(clock));
    sandbox.salesforce.update("Lead", ids.get("NewYork") as string, { FirstName: "Edited" });
    clock += 60_000;
    sandbox.salesforce.setNow(new Date(clock));
    expect(await telesync.sync("leads")).toMatchObject({ added: 0, updated: 1, held: 1 });
    expect(await state(ids.get("NewYork"))).toBe("delayed");
  });

  it("does not queue blocked leads (internal do-not-call, no location) and takes a queued one out", async () => {
    const suppression = new SuppressionList(telesync.redis, telesync.prefix);
    await suppression.add(["+13125550104"], { source: "agent", at: new Date(clock).toISOString() });
    const ids = insertLeads(sandbox, [
      { name: "PuertoRico", phone: "(787) 555-0101", state: "PR" },
      { name: "Chicago", phone: "(312) 555-0104", state: "IL" },
      { name: "TollFree", phone: "(800) 555-0199", state: "NY" },
    ]);
    sandbox.salesforce.setNow(new Date(clock));
    const report = await telesync.sync("leads");
    expect(report).toMatchObject({ added: 1, held: 0, blocked: 2 });
    expect(await state(ids.get("Chicago"))).toBe("absent");
    expect(await state(ids.get("TollFree"))).toBe("absent");
    const [dnc] = await telesync.compliance.decisions.read(`sf/Lead/${ids.get("Chicago")}`);
    expect(dnc).toMatchObject({ stage: "sync", decision: "block", rule: { id: "dnc.internal" } });
    const [unknown] = await telesync.compliance.decisions.read(`sf/Lead/${ids.get("TollFree")}`);
    expect(unknown).toMatchObject({ decision: "block", rule: { id: "location.unknown" } });
    expect(unknown?.reason).toBe("location unknown");

    // An opt-out of the queued lead: the next full sync takes it out of the queue.
    await suppression.add(["+17875550101"], { source: "inbound", at: new Date(clock).toISOString() });
    expect(await telesync.sync("leads", { full: true })).toMatchObject({ blocked: 3, added: 0 });
    expect(await state(ids.get("PuertoRico"))).toBe("absent");
  });

  it("`telesync sync --dry-run` prints each lead's gate decision and writes nothing", async () => {
    const ids = insertLeads(sandbox, [
      { name: "NewYork", phone: "(212) 555-0102", state: "NY" },
      { name: "Honolulu", phone: "(808) 555-0109", state: "HI" },
      { name: "TollFree", phone: "(800) 555-0199", state: "NY" },
    ]);
    sandbox.salesforce.setNow(undefined);
    const dir = mkdtempSync(join(tmpdir(), "telesync-dry-"));
    const file = writeConfigFile(
      dir,
      withAddress(salesforceTestConfigInput(sandbox.url, prefix, "005000000000007AAA")),
    );
    const lines: string[] = [];
    const log = vi.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
    try {
      // The CLI runs on the system clock, so which of allow and wait is printed depends on the hour.
      await buildProgram().parseAsync(["node", "telesync", "--config", file, "sync", "leads", "--dry-run"]);
    } finally {
      log.mockRestore();
      rmSync(dir, { recursive: true, force: true });
    }
    const decisionOf = (name: string) => {
      const at = lines.findIndex((line) => line.includes(`sf/Lead/${ids.get(name)}`));
      return lines[at + 1] ?? "";
    };
    for (const name of ["NewYork", "Honolulu"]) {
      expect(decisionOf(name)).toMatch(
        /^ {6}(allow until \d{4}-\d\d-\d\dT\S+Z \(hours\.US us-federal@\S+\)|wait until \d{4}-\d\d-\d\dT\S+Z \(hours\.US us-federal@\S+\): outside permitted calling time)/,
      );
    }
    expect(decisionOf("TollFree")).toBe("      block (location.unknown campaign-policy): location unknown");
    expect(lines.some((line) => /^dry run \(nothing written\): .* held \d · blocked 1$/.test(line))).toBe(
      true,
    );
    const counts = await telesync.dialQueues.get("q4").queue.getJobCounts("waiting", "delayed");
    expect(counts).toEqual({ waiting: 0, delayed: 0 });
    expect(await telesync.compliance.decisions.read(`sf/Lead/${ids.get("TollFree")}`)).toEqual([]);
  });
});
