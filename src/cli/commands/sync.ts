import type { Command } from "commander";
import { formatDecision } from "../../compliance-gate/format-decision.js";
import type { Lead } from "../../model/lead.js";
import { maskEmail, maskPhone } from "../../observability/mask.js";
import { createTelesync } from "../../runtime/telesync.js";
import type { SyncOptions } from "../../sync/run-sync.js";
import { clockFrom, parseAt } from "../clock-option.js";
import { configFrom } from "../context.js";
import { jsonOption, printJson } from "../output.js";
import { countsLine, SyncProgress } from "../progress.js";

type DryRunRecord = Parameters<NonNullable<SyncOptions["onRecord"]>>[0];

interface SyncCommandOptions {
  full?: boolean;
  dryRun?: boolean;
  showPii?: boolean;
  json?: boolean;
  at?: string;
}

function masked(lead: Lead, showPii: boolean): Lead {
  if (showPii) return lead;
  return {
    ...lead,
    phone: maskPhone(lead.phone),
    ...(lead.altPhones ? { altPhones: lead.altPhones.map(maskPhone) } : {}),
    ...(lead.email ? { email: maskEmail(lead.email) } : {}),
  };
}

function printRecord(result: DryRunRecord, showPii: boolean): void {
  if ("lead" in result) {
    const l = masked(result.lead, showPii);
    const who = [l.firstName, l.lastName].filter(Boolean).join(" ");
    console.log(
      `lead  ${l.key}  ${l.phone}  ${who}${l.company ? ` (${l.company})` : ""} ${l.email ?? ""}${l.doNotCall ? "  DO-NOT-CALL" : ""}`,
    );
    if (result.decision) console.log(`      ${formatDecision(result.decision)}`);
  } else {
    console.log(`skip  ${result.problem.crmId}  ${result.problem.problems.join("; ")}`);
  }
}

export function registerSync(program: Command): void {
  program
    .command("sync <sourceId>")
    .description("pull one source into its campaign queue now")
    .option("--full", "ignore the checkpoint: pull everything, and drop queued leads the CRM no longer has")
    .option(
      "--dry-run",
      "print mapped leads, the compliance gate's decision for each, and per-record problems; write nothing",
    )
    .option("--show-pii", "dry run: print phone numbers and emails unmasked")
    .option(
      "--at <time>",
      "rehearse: the sync-time gate decides as of this ISO 8601 instant (e.g. 2026-12-02T15:00:00-05:00); the lease-time gate still decides every lead on the real clock",
    )
    .option(...jsonOption)
    .action(async (sourceId: string, options: SyncCommandOptions, command) => {
      const { config } = configFrom(command);
      const telesync = createTelesync({
        config,
        ...(options.at === undefined ? {} : { now: clockFrom(parseAt(options.at)) }),
      });
      // Progress goes to stderr, so stdout stays the report (and the one JSON document with --json).
      const progress = new SyncProgress({
        sink: { tty: process.stderr.isTTY === true, write: (text) => process.stderr.write(text) },
        now: () => performance.now(),
      });
      const abort = new AbortController();
      process.once("SIGINT", () => abort.abort());
      const showPii = options.showPii === true;
      const records: unknown[] = [];
      let expected: number | undefined;
      try {
        const report = await telesync.sync(sourceId, {
          full: options.full,
          dryRun: options.dryRun,
          signal: abort.signal,
          onPage: (run, expectedRecords) => {
            expected = expectedRecords;
            progress.page(run, expectedRecords);
          },
          onRecord: options.dryRun
            ? (result) => {
                if (!options.json) return printRecord(result, showPii);
                records.push("lead" in result ? { ...result, lead: masked(result.lead, showPii) } : result);
              }
            : undefined,
        });
        progress.done();
        if (options.json) {
          printJson({
            dryRun: options.dryRun === true,
            ...(expected === undefined ? {} : { expectedRecords: expected }),
            report,
            ...(options.dryRun ? { records } : {}),
          });
          return;
        }
        console.log(`${options.dryRun ? "dry run (nothing written): " : ""}${countsLine(report)}`);
        console.log(
          `took ${((Date.parse(report.finishedAt) - Date.parse(report.startedAt)) / 1000).toFixed(1)} s; unchanged ${report.unchanged}, already finished ${report.finished}`,
        );
        if (!options.dryRun && report.problems.length > 0) {
          console.log(`first problems (${report.skipped} records skipped):`);
          for (const p of report.problems.slice(0, 10)) console.log(`  ${p.crmId}: ${p.problems.join("; ")}`);
        }
      } finally {
        await telesync.close();
      }
    });
}
