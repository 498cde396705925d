import type { Command } from "commander";
import { maskPhone } from "../../observability/mask.js";
import { createTelesync } from "../../runtime/telesync.js";
import { type DeadLetterEntry, DeadLetterQueue } from "../../writeback/dead-letter.js";
import { WritebackIntake } from "../../writeback/outcome-intake.js";
import { configFrom } from "../context.js";
import { jsonOption, printJson } from "../output.js";

function maskedEntry(entry: DeadLetterEntry): DeadLetterEntry {
  const lead = {
    ...entry.job.lead,
    ...(entry.job.lead.phone ? { phone: maskPhone(entry.job.lead.phone) } : {}),
  };
  return { ...entry, job: { ...entry.job, lead } } as DeadLetterEntry;
}

async function withDeadLetters(
  command: Command,
  work: (dlq: DeadLetterQueue, intake: WritebackIntake) => Promise<void>,
): Promise<void> {
  const { config } = configFrom(command);
  const telesync = createTelesync({ config });
  const dlq = new DeadLetterQueue(telesync.redis, telesync.prefix);
  const intake = new WritebackIntake(telesync.redis, telesync.prefix);
  try {
    await work(dlq, intake);
  } finally {
    await dlq.close();
    await intake.close();
    await telesync.close();
  }
}

export function registerDlq(program: Command): void {
  const dlq = program
    .command("dlq")
    .description("inspect and replay writes the CRM refused (dead-letter queue)");

  dlq
    .command("list")
    .description("list dead letters, newest first")
    .option("--limit <n>", "how many", "50")
    .option(...jsonOption)
    .action(async (options: { limit: string; json?: boolean }, command: Command) => {
      await withDeadLetters(command, async (queue) => {
        const entries = await queue.list(0, Number(options.limit) - 1);
        if (options.json) {
          printJson({ count: await queue.count(), entries: entries.map(maskedEntry) });
          return;
        }
        console.log(`${await queue.count()} dead letters`);
        for (const e of entries) {
          const what =
            e.job.kind === "outcome" ? `outcome ${e.job.outcome.outcomeId}` : `consent ${e.job.id}`;
          console.log(
            `${e.id}  ${e.failedAt}  ${e.job.lead.integration}/${e.job.lead.objectType}/${e.job.lead.crmId}  ${what}  ${e.error.kind}: ${e.error.reason}`,
          );
        }
      });
    });

  dlq
    .command("show <id>")
    .description("one dead letter in full, as JSON (phone masked)")
    .option(...jsonOption)
    .action(async (id: string, _options, command: Command) => {
      await withDeadLetters(command, async (queue) => {
        const entry = await queue.get(id);
        if (!entry) {
          console.error(`no dead letter "${id}" (see telesync dlq list)`);
          process.exitCode = 1;
          return;
        }
        // Always JSON: `--json` is accepted for symmetry with the other data commands.
        printJson(maskedEntry(entry));
      });
    });

  dlq
    .command("replay [id]")
    .description("send a dead letter (or --all) back to the writeback queue, after fixing the cause")
    .option("--all", "replay every dead letter")
    .option(...jsonOption)
    .action(async (id: string | undefined, options: { all?: boolean; json?: boolean }, command: Command) => {
      await withDeadLetters(command, async (queue, intake) => {
        const ids = options.all ? (await queue.list(0, -1)).map((e) => e.id) : id ? [id] : [];
        if (ids.length === 0) {
          console.error("name a dead letter id, or --all");
          process.exitCode = 1;
          return;
        }
        const replayed: string[] = [];
        const missing: string[] = [];
        for (const each of ids) {
          if (await queue.replay(each, (job, replayId) => intake.requeue(job, replayId))) replayed.push(each);
          else missing.push(each);
        }
        if (missing.length > 0) process.exitCode = 1;
        if (options.json) return printJson({ replayed, missing });
        for (const each of missing) console.error(`no dead letter "${each}"`);
        console.log(`replayed ${replayed.length}; a running worker writes them now`);
      });
    });
}
