import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CrmSandbox, startSandbox } from "@telesync/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertLeads, writeConfigFile } from "../compliance-gate/support.js";
import { runCli } from "../support/cli.js";
import { dropPrefix, uniquePrefix } from "../support/redis.js";
import { salesforceTestConfigInput } from "../support/test-config.js";

/** The data commands' `--json`: one JSON document on stdout, in the shapes docs/cli-json.md lists. */
describe("--json on the CLI's data commands", () => {
  let sandbox: CrmSandbox;
  let dir: string;
  let prefix: string;
  let file: string;
  const cli = (...args: string[]) => runCli(["--config", file, ...args], { cwd: dir });
  const json = async (...args: string[]) => {
    const result = await cli(...args, "--json");
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as Record<string, unknown>;
  };

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
    insertLeads(sandbox, [
      { name: "NewYork", phone: "(212) 555-0102", state: "NY" },
      { name: "Chicago", phone: "(312) 555-0104", state: "IL" },
      { name: "Denver", phone: "(303) 555-0105", state: "CO" },
    ]);
    dir = mkdtempSync(join(tmpdir(), "telesync-json-"));
    prefix = uniquePrefix();
    file = writeConfigFile(dir, salesforceTestConfigInput(sandbox.url, prefix, "005000000000007AAA"));
  });
  afterAll(async () => {
    await sandbox?.close();
    rmSync(dir, { recursive: true, force: true });
    await dropPrefix(prefix);
  });

  it("sync --json prints the run report; progress goes to stderr as plain lines with rate and, known the total, ETA", async () => {
    const result = await cli("sync", "leads", "--json");
    expect(result.code, result.stderr).toBe(0);
    const out = JSON.parse(result.stdout) as {
      dryRun: boolean;
      expectedRecords: number;
      report: Record<string, unknown>;
    };
    expect(out.dryRun).toBe(false);
    // Salesforce's totalSize of the pull's query: the three leads inserted above.
    expect(out.expectedRecords).toBe(3);
    expect(out.report).toMatchObject({ sourceId: "leads", outcome: "completed", records: 3, added: 3 });
    // Not a TTY: whole lines, the first page always shown.
    expect(result.stderr).toMatch(
      /^sync progress: pages 1 · records 3 · added 3 .* · 100% of 3 · [\d.]+ leads\/s · ETA 0s$/m,
    );
  });

  it("sync --at rehearses the sync-time gate at a chosen instant: the same answer whatever the hour of the run", async () => {
    // 47 CFR 64.1200(c)(1): 8 am to 9 pm at the called party's location. At 03:00 in New York it is
    // 02:00 in Chicago and 01:00 in Denver: every lead waits; at 15:00 New York (14:00, 13:00) all may be called.
    const decisions = async (at: string) => {
      const out = (await json("sync", "leads", "--dry-run", "--full", "--at", at)) as {
        records: Array<{ decision?: { decision: string } }>;
      };
      return out.records.map((r) => r.decision?.decision);
    };
    expect(await decisions("2026-12-02T03:00:00-05:00")).toEqual(["wait", "wait", "wait"]);
    expect(await decisions("2026-12-02T15:00:00-05:00")).toEqual(["allow", "allow", "allow"]);
    const bad = await cli("sync", "leads", "--dry-run", "--at", "tomorrow");
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("--at must be an ISO 8601 time");
  });

  it("runs, stats, dlq list and check --json", async () => {
    const runs = (await json("runs", "leads")) as { sourceId: string; runs: Array<Record<string, unknown>> };
    expect(runs.sourceId).toBe("leads");
    expect(runs.runs[0]).toMatchObject({ outcome: "completed", added: 3 });
    const stats = (await json("stats")) as { campaigns: unknown[]; deadLetters: number };
    // Waiting or held depends on the hour the test runs (the CLI uses the system clock): both count.
    const [q4] = stats.campaigns as Array<{ waiting: number; held: number }>;
    expect(q4).toMatchObject({ campaign: "q4", leased: 0, done: 0, outcomesByDisposition: {} });
    expect((q4?.waiting ?? 0) + (q4?.held ?? 0)).toBe(3);
    expect(stats.deadLetters).toBe(0);
    expect(await json("dlq", "list")).toEqual({ count: 0, entries: [] });
    expect(await json("check")).toMatchObject({ valid: true, integrations: 1, sources: 1, campaigns: 1 });
  });

  it("check --json on a broken config prints the problems and exits 2", async () => {
    const broken = join(dir, "broken.yaml");
    writeFileSync(broken, "redis:\n  prot: 6379\n");
    const result = await runCli(["--config", broken, "check", "--json"], { cwd: dir });
    expect(result.code).toBe(2);
    const out = JSON.parse(result.stdout) as {
      valid: boolean;
      problems: Array<{ path: string; message: string }>;
    };
    expect(out.valid).toBe(false);
    expect(out.problems).toContainEqual({
      path: "redis.prot (line 2)",
      message: "unknown key `prot`; expected one of `url`, `prefix`, `cluster`",
    });
  });
});
