import type { Command } from "commander";
import { sourceWarnings } from "../../../connectors/index.js";
import { nanpAreaCodesMeta } from "../../compliance/data/nanp-area-codes.js";
import { tzVersion } from "../../compliance/index.js";
import { ownEntry } from "../../config/lookup.js";
import { unscreenedRegistryWarnings } from "../../config/registry-coverage.js";
import { ConfigError } from "../../errors.js";
import { createTelesync } from "../../runtime/telesync.js";
import { configFrom } from "../context.js";
import { formatLiveTable, liveCheckRows } from "../live-check.js";
import { jsonOption, printJson } from "../output.js";

export function registerCheck(program: Command): void {
  program
    .command("check")
    .description(
      "validate the config; with --live, also a fresh token, scopes, vendor settings, mappings and a probe of each source against the live CRM",
    )
    .option(
      "--live",
      "connect to every integration: fresh token, scopes, properties, mapped fields, source probes",
    )
    .option(...jsonOption)
    .action(async (options: { live?: boolean; json?: boolean }, command: Command) => {
      let loaded: ReturnType<typeof configFrom>;
      try {
        loaded = configFrom(command);
      } catch (error) {
        if (!(options.json && error instanceof ConfigError)) throw error;
        // Still exit 2, as without --json; the problems never carry secret values (see src/config).
        printJson({ file: error.file, valid: false, problems: error.problems });
        process.exitCode = 2;
        return;
      }
      const { file, config } = loaded;
      const warnings = [
        ...unscreenedRegistryWarnings(config),
        ...config.sources.flatMap((source) => {
          const integration = ownEntry(config.integrations, source.integration);
          return (integration ? sourceWarnings(integration, source.select) : []).map(
            (warning) => `source ${source.id}: ${warning}`,
          );
        }),
      ];
      const summary = {
        file,
        valid: true,
        integrations: Object.keys(config.integrations).length,
        sources: config.sources.length,
        campaigns: Object.keys(config.campaigns).length,
        complianceData: {
          tz: tzVersion,
          runtimeTz: process.versions.tz ?? null,
          nanpAreaCodes: nanpAreaCodesMeta.version,
        },
        warnings,
      };
      if (!options.json) {
        console.log(
          `${file}: valid (${summary.integrations} integrations, ${summary.sources} sources, ${summary.campaigns} campaigns)`,
        );
        console.log(
          `compliance data: IANA tz ${tzVersion} (shipped, not the runtime's ${process.versions.tz ?? "unknown"}), NANP area codes ${nanpAreaCodesMeta.version}`,
        );
        for (const warning of warnings) console.warn(`WARNING ${warning}`);
      }
      if (!options.live) {
        if (options.json) printJson(summary);
        return;
      }
      const telesync = createTelesync({ config });
      try {
        const rows = await liveCheckRows(telesync, config);
        const ok = rows.every((r) => r.status !== "error");
        if (!ok) process.exitCode = 1;
        if (options.json) printJson({ ...summary, live: { ok, rows } });
        else for (const line of formatLiveTable(rows)) console.log(line);
      } finally {
        await telesync.close();
      }
    });
}
