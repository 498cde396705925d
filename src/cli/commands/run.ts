import type { Command } from "commander";
import { tzVersion } from "../../compliance/index.js";
import { unscreenedRegistryWarnings } from "../../config/registry-coverage.js";
import { createLogger } from "../../observability/logger.js";
import { assertRedisReachable } from "../../runtime/redis-preflight.js";
import type { Role } from "../../runtime/service.js";
import { StartupError } from "../../runtime/startup-error.js";
import { createTelesync } from "../../runtime/telesync.js";
import { configFrom, untilSignal } from "../context.js";

/** SIGKILL usually follows SIGTERM after ~30 s; finish before it. */
const shutdownBudgetMs = 25_000;

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
      await assertRedisReachable(config.redis, { source: file });
      // Loaded by this command only: the HTTP service (fastify, admin UI) is live heap the other
      // commands, `telesync sync` included, need not carry.
      const { TelesyncService } = await import("../../runtime/service.js");
      const telesync = createTelesync({ config, log });
      const service = await TelesyncService.start(telesync, { role: options.role as Role }).catch(
        (error: NodeJS.ErrnoException) => {
          if (error.code !== "EADDRINUSE") throw error;
          const { host, port } = config.api;
          throw new StartupError(
            `port ${port} on ${host} is already in use: stop what holds it, or set api.port in ${file}`,
            { cause: error },
          );
        },
      );
      log.info({ config: file, role: options.role, url: service.url, tzVersion }, "telesync running");
      for (const warning of unscreenedRegistryWarnings(config)) log.warn({ config: file }, warning);
      const signal = await untilSignal();
      log.info({ signal }, "shutting down: no new leases, flushing writeback");
      const timeout = setTimeout(() => {
        log.error("shutdown took too long; exiting with work still in Redis (it resumes on restart)");
        process.exit(1);
      }, shutdownBudgetMs);
      await service.close();
      await telesync.close();
      clearTimeout(timeout);
    });
}
