import type { Command } from "commander";
import { configPath, loadConfig } from "../config/load.js";
import type { TelesyncConfig } from "../config/schema.js";

/** The config named by --config / TELESYNC_CONFIG / the default file, validated. */
export function configFrom(command: Command): { file: string; config: TelesyncConfig } {
  const file = configPath(command.optsWithGlobals().config as string | undefined, process.env);
  return { file, config: loadConfig(file) };
}

/** Resolve when the process is asked to stop (Ctrl-C, SIGTERM from an orchestrator). */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => resolve(signal));
  });
}
