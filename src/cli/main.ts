import { existsSync } from "node:fs";
import { Command } from "commander";
import { ConfigError } from "../errors.js";
import { StartupError } from "../runtime/startup-error.js";
import { SecurityKeysError } from "../security/security-keys.js";
import { registerCheck } from "./commands/check.js";
import { registerCompliance } from "./commands/compliance.js";
import { registerDemo } from "./commands/demo.js";
import { registerDlq } from "./commands/dlq.js";
import { registerMigrateKeys } from "./commands/migrate-keys.js";
import { registerRegistry } from "./commands/registry.js";
import { registerRun } from "./commands/run.js";
import { registerSandbox } from "./commands/sandbox.js";
import { registerStats } from "./commands/stats.js";
import { registerSync } from "./commands/sync.js";
import { packageVersion } from "./version.js";

export function buildProgram(): Command {
  const program = new Command()
    .name("telesync")
    .description("Sync CRM leads into telemarketing call queues and write call outcomes back")
    .version(packageVersion(), "-V, --version", "print telesync's version")
    .option("-c, --config <file>", "config file (default: $TELESYNC_CONFIG or telesync.config.yaml)")
    .showHelpAfterError();
  registerDemo(program);
  registerRun(program);
  registerSync(program);
  registerStats(program);
  registerCheck(program);
  registerSandbox(program);
  registerDlq(program);
  registerMigrateKeys(program);
  registerRegistry(program);
  registerCompliance(program);
  return program;
}

/**
 * `.env` in the working directory, if present, through Node's own loader; variables already set in
 * the environment win (an orchestrator's values are never overridden by a file).
 */
export function loadDotEnv(file = ".env"): void {
  if (existsSync(file)) process.loadEnvFile(file);
}

/**
 * The CLI entry point. A config mistake exits 2 (nothing was started yet); a fatal start-up problem (Redis unreachable, port
 * busy) exits 1 with its one line, at once: workers that were already started must not keep a
 * half-started process alive.
 */
export async function main(argv: string[]): Promise<void> {
  loadDotEnv();
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof SecurityKeysError) {
      console.error(error.message);
      process.exitCode = 2;
      return;
    }
    if (error instanceof StartupError) {
      console.error(`telesync: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}
