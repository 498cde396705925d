import type { Command } from "commander";
import { DispositionStats } from "../../outcomes/disposition-stats.js";
import { createTelesync } from "../../runtime/telesync.js";
import { DeadLetterQueue } from "../../writeback/dead-letter.js";
import { configFrom } from "../context.js";
import { jsonOption, printJson } from "../output.js";
import { countsLine } from "../progress.js";

export function registerStats(program: Command): void {
  program
    .command("runs <sourceId>")
    .description("a source's recent sync runs, newest first: outcome, counts, errors")
    .option("--limit <n>", "how many", "10")
    .option(...jsonOption)
    .action(async (sourceId: string, options: { limit: string; json?: boolean }, command: Command) => {
      const { config } = configFrom(command);
      if (!config.sources.some((s) => s.id === sourceId)) {
        console.error(
          `unknown source "${sourceId}" (sources: ${config.sources.map((s) => s.id).join(", ")})`,
        );
        process.exitCode = 1;
        return;
      }
      const telesync = createTelesync({ config });
      try {
        const runs = await telesync.syncState(sourceId).history(Math.max(1, Number(options.limit) || 10));
        if (options.json) return printJson({ sourceId, runs });
        if (runs.length === 0) console.log(`source ${sourceId}: no runs yet`);
        for (const run of runs) {
          console.log(
            `${run.startedAt}  ${run.outcome}${run.full ? " (full)" : ""}  ${countsLine(run)}${run.error ? `  error: ${run.error}` : ""}`,
          );
        }
      } finally {
        await telesync.close();
      }
    });

  program
    .command("stats [campaign]")
    .description("per campaign: leads waiting, held, leased, done, and outcomes by disposition")
    .option(...jsonOption)
    .action(async (campaign: string | undefined, options: { json?: boolean }, command: Command) => {
      const { config } = configFrom(command);
      const ids = campaign ? [campaign] : Object.keys(config.campaigns);
      const unknown = ids.find((id) => !Object.hasOwn(config.campaigns, id));
      if (unknown) {
        console.error(`unknown campaign "${unknown}"`);
        process.exitCode = 1;
        return;
      }
      const telesync = createTelesync({ config });
      const dispositions = new DispositionStats(telesync.redis, telesync.prefix);
      const deadLetters = new DeadLetterQueue(telesync.redis, telesync.prefix);
      try {
        const campaigns = await Promise.all(
          ids.map(async (id) => {
            const counts = await telesync.dialQueues
              .get(id)
              .queue.getJobCounts("waiting", "prioritized", "delayed", "active", "completed");
            return {
              campaign: id,
              waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
              held: counts.delayed ?? 0,
              leased: counts.active ?? 0,
              done: counts.completed ?? 0,
              outcomesByDisposition: await dispositions.counts(id),
            };
          }),
        );
        const stats = { at: telesync.now().toISOString(), campaigns, deadLetters: await deadLetters.count() };
        if (options.json) return printJson(stats);
        for (const c of campaigns) {
          const outcomes = Object.entries(c.outcomesByDisposition)
            .map(([d, n]) => `${d} ${n}`)
            .join(", ");
          console.log(
            `${c.campaign}: waiting ${c.waiting} · held ${c.held} · leased ${c.leased} · done ${c.done} · outcomes: ${outcomes || "none"}`,
          );
        }
        console.log(`dead letters: ${stats.deadLetters}`);
      } finally {
        await deadLetters.close();
        await telesync.close();
      }
    });
}
