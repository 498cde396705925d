import type { Command } from "commander";
import { createLogger } from "../../observability/logger.js";
import { createTelesync } from "../../runtime/telesync.js";
import { SyncScheduler } from "../../sync/scheduler.js";
import { configFrom, untilSignal } from "../context.js";

export function registerRun(program: Command): void {
  program
    .command("run")
    .description("run the workers and the HTTP API from the config")
    .option("--role <role>", "api | worker | all", "all")
    .action(async (options: { role: string }, command: Command) => {
      if (!["api", "worker", "all"].includes(options.role)) {
        throw new Error(`--role must be api, worker or all (got "${options.role}")`);
      }
      const { file, config } = configFrom(command);
      const log = createLogger();
      const telesync = createTelesync({ config, log });
      const closers: Array<() => Promise<void>> = [];
      if (options.role !== "api") {
        const scheduler = new SyncScheduler(telesync);
        await scheduler.reconcile();
        scheduler.startWorker();
        closers.push(() => scheduler.close());
      }
      log.info({ config: file, role: options.role }, "telesync running");
      const signal = await untilSignal();
      log.info({ signal }, "shutting down");
      for (const close of closers) await close();
      await telesync.close();
    });
}
