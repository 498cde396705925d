import type { Command } from "commander";
import { configFrom } from "../context.js";

export function registerCheck(program: Command): void {
  program
    .command("check")
    .description("validate the config file (and, with --live, credentials against the CRM)")
    .option("--live", "also connect to every integration and check its credentials")
    .action(async (options: { live?: boolean }, command: Command) => {
      const { file, config } = configFrom(command);
      const sources = config.sources.length;
      console.log(
        `${file}: valid (${Object.keys(config.integrations).length} integrations, ${sources} sources, ${Object.keys(config.campaigns).length} campaigns)`,
      );
      if (!options.live) return;
      const { createTelesync } = await import("../../runtime/telesync.js");
      const telesync = createTelesync({ config });
      let failed = false;
      try {
        for (const id of Object.keys(config.integrations)) {
          try {
            await telesync.connector(id).verifyCredentials();
            console.log(`integration ${id}: credentials ok`);
          } catch (error) {
            failed = true;
            console.log(`integration ${id}: ${error instanceof Error ? error.message : String(error)}`);
          }
        }
      } finally {
        await telesync.close();
      }
      if (failed) process.exitCode = 1;
    });
}
