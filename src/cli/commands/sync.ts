import type { Command } from "commander";
import { formatDecision } from "../../compliance-gate/format-decision.js";
import { maskEmail, maskPhone } from "../../observability/mask.js";
import { createTelesync } from "../../runtime/telesync.js";
import type { SyncRunRecord } from "../../sync/sync-state.js";
import { configFrom } from "../context.js";

function progressLine(run: SyncRunRecord): string {
  return `pages ${run.pages} · records ${run.records} · added ${run.added} · updated ${run.updated} · removed ${run.removed} · skipped ${run.skipped} · do-not-call ${run.suppressed} · held ${run.held} · blocked ${run.blocked}`;
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
    .action(
      async (sourceId: string, options: { full?: boolean; dryRun?: boolean; showPii?: boolean }, command) => {
        const { config } = configFrom(command);
        const telesync = createTelesync({ config });
        const tty = process.stderr.isTTY;
        const abort = new AbortController();
        process.once("SIGINT", () => abort.abort());
        try {
          const phone = (p: string) => (options.showPii ? p : maskPhone(p));
          const report = await telesync.sync(sourceId, {
            full: options.full,
            dryRun: options.dryRun,
            signal: abort.signal,
            onPage: (run) => {
              if (tty) process.stderr.write(`\r${progressLine(run)}`);
            },
            onRecord: options.dryRun
              ? (result) => {
                  if ("lead" in result) {
                    const l = result.lead;
                    const who = [l.firstName, l.lastName].filter(Boolean).join(" ");
                    const email = l.email ? (options.showPii ? l.email : maskEmail(l.email)) : "";
                    console.log(
                      `lead  ${l.key}  ${phone(l.phone)}  ${who}${l.company ? ` (${l.company})` : ""} ${email}${l.doNotCall ? "  DO-NOT-CALL" : ""}`,
                    );
                    if (result.decision) console.log(`      ${formatDecision(result.decision)}`);
                  } else {
                    console.log(`skip  ${result.problem.crmId}  ${result.problem.problems.join("; ")}`);
                  }
                }
              : undefined,
          });
          if (tty) process.stderr.write("\n");
          console.log(`${options.dryRun ? "dry run (nothing written): " : ""}${progressLine(report)}`);
          console.log(
            `took ${((Date.parse(report.finishedAt) - Date.parse(report.startedAt)) / 1000).toFixed(1)} s; unchanged ${report.unchanged}, already finished ${report.finished}`,
          );
          if (!options.dryRun && report.problems.length > 0) {
            console.log(`first problems (${report.skipped} records skipped):`);
            for (const p of report.problems.slice(0, 10))
              console.log(`  ${p.crmId}: ${p.problems.join("; ")}`);
          }
        } finally {
          await telesync.close();
        }
      },
    );
}
