import { userInfo } from "node:os";
import type { Command } from "commander";
import { createTelesync } from "../../runtime/telesync.js";
import { configFrom } from "../context.js";
import { jsonOption, printJson } from "../output.js";

/** `LA` or `US-LA` → `US-LA` (a US state or territory, as the gate's location resolves it). */
export function emergencyJurisdiction(value: string): string {
  const upper = value.trim().toUpperCase();
  const code = upper.startsWith("US-") ? upper.slice(3) : upper;
  if (!/^[A-Z]{2}$/.test(code)) throw new Error(`state: expected a code like LA or US-LA, found "${value}"`);
  return `US-${code}`;
}

/** An ISO 8601 instant with an explicit offset (`2026-09-03T18:00:00-05:00`, `…Z`), normalised to UTC. */
export function parseInstant(option: string, value: string): string {
  const at = Date.parse(value);
  if (!/T\d{2}:\d{2}/.test(value) || !/(Z|[+-]\d{2}:?\d{2})$/.test(value) || Number.isNaN(at))
    throw new Error(
      `${option}: expected an ISO instant with its offset, e.g. 2026-09-03T18:00:00-05:00, found "${value}"`,
    );
  return new Date(at).toISOString();
}

function operator(by: string | undefined): string {
  const name = by ?? process.env.TELESYNC_OPERATOR ?? process.env.USER ?? userInfo().username;
  if (!name.trim()) throw new Error("--by: say who records this (or set TELESYNC_OPERATOR)");
  return name.trim();
}

interface SetOptions {
  until: string;
  from?: string;
  reason: string;
  by?: string;
}

export function registerCompliance(program: Command): void {
  const compliance = program.command("compliance").description("compliance switches the gate honours");
  const emergency = compliance
    .command("emergency")
    .description(
      "declared bans on solicitation calls to a state (Louisiana states of emergency, La. R.S. 45:844.31); every change is audited",
    );

  emergency
    .command("set <state>")
    .description("ban calls to leads located in <state> (by number or address) until --until")
    .requiredOption("--until <iso>", "when the ban ends, with its offset (e.g. 2026-09-03T18:00:00-05:00)")
    .option("--from <iso>", "when it starts (default: now); also for a holiday the governor proclaims")
    .option("--reason <text>", "why: the declaration or proclamation", "declared state of emergency")
    .option("--by <name>", "who records it (default: $TELESYNC_OPERATOR or the OS user)")
    .action(async (state: string, options: SetOptions, command: Command) => {
      const jurisdiction = emergencyJurisdiction(state);
      const until = parseInstant("--until", options.until);
      const from = options.from ? parseInstant("--from", options.from) : undefined;
      const by = operator(options.by);
      const { config } = configFrom(command);
      const telesync = createTelesync({ config });
      try {
        const now = telesync.now();
        if (Date.parse(until) <= now.getTime()) throw new Error(`--until ${until} is not in the future`);
        if (from && Date.parse(from) >= Date.parse(until)) throw new Error("--from must be before --until");
        await telesync.compliance.emergencies.set(
          { jurisdiction, ...(from ? { from } : {}), until, reason: options.reason },
          by,
          now,
        );
        console.log(
          `${jurisdiction}: no solicitation calls ${from ? `from ${from} ` : ""}until ${until} (${options.reason}); recorded by ${by}`,
        );
      } finally {
        await telesync.close();
      }
    });

  emergency
    .command("clear <state>")
    .description("lift the ban on <state>")
    .option("--reason <text>", "why it is lifted", "ban lifted")
    .option("--by <name>", "who records it (default: $TELESYNC_OPERATOR or the OS user)")
    .action(async (state: string, options: { reason: string; by?: string }, command: Command) => {
      const jurisdiction = emergencyJurisdiction(state);
      const by = operator(options.by);
      const { config } = configFrom(command);
      const telesync = createTelesync({ config });
      try {
        const existed = await telesync.compliance.emergencies.clear(
          jurisdiction,
          by,
          options.reason,
          telesync.now(),
        );
        console.log(
          existed ? `${jurisdiction}: ban lifted by ${by}` : `${jurisdiction}: no ban was recorded`,
        );
      } finally {
        await telesync.close();
      }
    });

  emergency
    .command("list")
    .description("bans in force or scheduled, then the audit trail (who, when, what, why)")
    .option("--history <n>", "audit entries to show", "20")
    .option(...jsonOption)
    .action(async (options: { history: string; json?: boolean }, command: Command) => {
      const { config } = configFrom(command);
      const telesync = createTelesync({ config });
      try {
        const now = telesync.now().getTime();
        const bans = (await telesync.compliance.emergencies.list()).map((ban) => ({
          ...ban,
          state:
            Date.parse(ban.until) <= now
              ? "ended"
              : ban.from && Date.parse(ban.from) > now
                ? "scheduled"
                : "in force",
        }));
        const limit = Number.parseInt(options.history, 10);
        const audit = await telesync.compliance.emergencies.audit(
          Number.isFinite(limit) && limit > 0 ? limit : 20,
        );
        if (options.json) return printJson({ bans, audit });
        if (bans.length === 0) console.log("no bans recorded");
        for (const ban of bans) {
          console.log(
            `${ban.jurisdiction}  ${ban.state === "in force" ? "IN FORCE" : ban.state}  ${ban.from ? `from ${ban.from} ` : ""}until ${ban.until}  ${ban.reason}  (set by ${ban.setBy} at ${ban.setAt})`,
          );
        }
        if (audit.length > 0) console.log("audit (newest first):");
        for (const entry of audit) {
          const span =
            entry.action === "set" ? ` ${entry.from ? `from ${entry.from} ` : ""}until ${entry.until}` : "";
          console.log(
            `  ${entry.at}  ${entry.by}  ${entry.action} ${entry.jurisdiction}${span}  ${entry.reason}`,
          );
        }
      } finally {
        await telesync.close();
      }
    });
}
