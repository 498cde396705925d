import { Command } from "commander";
import { ConfigError } from "../errors.js";
import { registerCheck } from "./commands/check.js";
import { registerCompliance } from "./commands/compliance.js";
import { registerDemo } from "./commands/demo.js";
import { registerDlq } from "./commands/dlq.js";
import { registerRegistry } from "./commands/registry.js";
import { registerRun } from "./commands/run.js";
import { registerSandbox } from "./commands/sandbox.js";
import { registerSync } from "./commands/sync.js";

export function buildProgram(): Command {
  const program = new Command()
    .name("telesync")
    .description("Sync CRM leads into telemarketing call queues and write call outcomes back")
    .option("-c, --config <file>", "config file (default: $TELESYNC_CONFIG or telesync.config.yaml)")
    .showHelpAfterError();
  registerDemo(program);
  registerRun(program);
  registerSync(program);
  registerCheck(program);
  registerSandbox(program);
  registerDlq(program);
  registerRegistry(program);
  registerCompliance(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
}
