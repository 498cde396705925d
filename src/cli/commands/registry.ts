import { createReadStream } from "node:fs";
import { basename } from "node:path";
import { createInterface } from "node:readline";
import type { Command } from "commander";
import { defaultRuleSet } from "../../compliance/index.js";
import { createTelesync } from "../../runtime/telesync.js";
import { configFrom } from "../context.js";
import { jsonOption, printJson } from "../output.js";

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` that is a real calendar day, not after today. */
function parseSnapshotDate(value: string, today: Date): string {
  const at = Date.parse(`${value}T00:00:00Z`);
  if (
    !/^\d{4}-\d{2}-\d{2}$/.test(value) ||
    Number.isNaN(at) ||
    new Date(at).toISOString().slice(0, 10) !== value
  )
    throw new Error(`--date: expected the day the registry was downloaded as YYYY-MM-DD, found "${value}"`);
  if (at > today.getTime()) throw new Error(`--date ${value} is in the future`);
  return value;
}

function maxAgeDays(country: string): number | undefined {
  return defaultRuleSet().registries.rules.find((rule) => rule.country === country)?.maxAgeDays;
}

export function registerRegistry(program: Command): void {
  const registry = program
    .command("registry")
    .description("national do-not-call registry snapshots the compliance gate screens against");

  registry
    .command("import <country> <file>")
    .description(
      "replace a country's registry snapshot with the numbers in <file> (one per line, any punctuation)",
    )
    .requiredOption("--date <YYYY-MM-DD>", "the day the registry was downloaded (its age is checked)")
    .action(async (countryArg: string, file: string, options: { date: string }, command: Command) => {
      const country = countryArg.toUpperCase();
      if (!/^[A-Z]{2}$/.test(country))
        throw new Error(`country: expected a code like US, found "${countryArg}"`);
      const { config } = configFrom(command);
      const telesync = createTelesync({ config });
      try {
        const snapshotAt = parseSnapshotDate(options.date, telesync.now());
        const lines = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
        const tty = process.stderr.isTTY;
        const snapshot = await telesync.compliance.registries.import(country, snapshotAt, lines, {
          file: basename(file),
          onProgress: (p) => {
            if (tty)
              process.stderr.write(`\rlines ${p.lines} · numbers ${p.numbers} · rejected ${p.rejected}`);
          },
        });
        if (tty) process.stderr.write("\n");
        const limit = maxAgeDays(country);
        const expires = limit
          ? new Date(Date.parse(snapshotAt) + limit * DAY_MS).toISOString().slice(0, 10)
          : undefined;
        console.log(
          `${country} registry snapshot of ${snapshotAt}: ${snapshot.numbers} numbers imported, ${snapshot.rejected} lines rejected`,
        );
        console.log(
          limit
            ? `campaigns requiring ${country} may call until ${expires} (${limit} days); import a newer snapshot before then`
            : `no snapshot age limit is known for ${country}: a campaign requiring it is blocked`,
        );
      } finally {
        await telesync.close();
      }
    });

  registry
    .command("list")
    .description("imported snapshots, their age and the campaigns that require them")
    .option(...jsonOption)
    .action(async (options: { json?: boolean }, command: Command) => {
      const { config } = configFrom(command);
      const telesync = createTelesync({ config });
      try {
        const snapshots = await telesync.compliance.registries.snapshots();
        const now = telesync.now().getTime();
        const countries = new Set([
          ...snapshots.keys(),
          ...Object.values(config.campaigns).flatMap((c) => c.compliance.requiredRegistries),
        ]);
        const rows = [...countries].sort().map((country) => {
          const snapshot = snapshots.get(country);
          const requiredBy = Object.entries(config.campaigns)
            .filter(([, c]) => c.compliance.requiredRegistries.includes(country))
            .map(([id]) => id);
          const limit = maxAgeDays(country);
          const age = snapshot ? Math.floor((now - Date.parse(snapshot.snapshotAt)) / DAY_MS) : undefined;
          const state = !snapshot
            ? "none imported"
            : limit !== undefined && age !== undefined && age > limit
              ? "STALE"
              : "fresh";
          return {
            country,
            state,
            snapshot: snapshot ? { at: snapshot.snapshotAt, ageDays: age, numbers: snapshot.numbers } : null,
            maxAgeDays: limit ?? null,
            requiredBy,
          };
        });
        if (options.json) return printJson({ registries: rows });
        if (rows.length === 0) console.log("no registry snapshots imported and none required");
        for (const row of rows) {
          const s = row.snapshot;
          console.log(
            `${row.country}  ${s ? `snapshot ${s.at} (${s.ageDays} days old, limit ${row.maxAgeDays ?? "unknown"})  ${s.numbers} numbers` : ""}  ${row.state}  required by: ${row.requiredBy.join(", ") || "none"}`,
          );
        }
      } finally {
        await telesync.close();
      }
    });
}
