import type { Command } from "commander";
import { migrateKeyLayout } from "../../runtime/key-migration.js";
import { configFrom } from "../context.js";

export function registerMigrateKeys(program: Command): void {
  program
    .command("migrate-keys")
    .description(
      "copy a single-slot deployment's keys (hash-tagged prefix, one Redis) to the per-slot layout of this config (docs/operations.md)",
    )
    .requiredOption("--from-url <url>", "the Redis the old deployment used")
    .option("--from-prefix <prefix>", "the old redis.prefix", "{telesync}")
    .action(async (options: { fromUrl: string; fromPrefix: string }, command: Command) => {
      const { config } = configFrom(command);
      const report = await migrateKeyLayout(
        { url: options.fromUrl, prefix: options.fromPrefix },
        config.redis,
      );
      console.log(`copied ${report.copied} keys to ${config.redis.prefix}; start telesync on the new config`);
    });
}
