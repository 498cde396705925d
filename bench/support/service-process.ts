import { mkdirSync } from "node:fs";
import type { Role } from "../../src/runtime/service.js";
import { benchScript, spawnNode } from "./child.js";

export interface ServiceUsage {
  userUs: number;
  systemUs: number;
  maxRssKiB: number;
  rss: number;
  /** Event-loop delay (ms) since the previous usage() (service child only). */
  loopDelayMs?: { p50: number; p99: number; max: number };
}

export interface ServiceProcess {
  url: string;
  pid: number;
  usage(): Promise<ServiceUsage>;
  /** Shut down in order (the writeback batcher is flushed); the final usage. */
  stop(): Promise<ServiceUsage | undefined>;
}

/**
 * `TelesyncService.start(telesync, { role })` in a child process (see service-child.ts). With
 * BENCH_CPU_PROF=<dir> set, the child runs under `--cpu-prof` and leaves its profile there.
 */
export async function startServiceProcess(spec: {
  config: unknown;
  role: Role;
  offsetMs: number;
  /** The HTTP layer over a one-GET stub of the library in this campaign (see service-child.ts). */
  stubLibrary?: string;
}): Promise<ServiceProcess> {
  const profileDir = process.env.BENCH_CPU_PROF;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const child = spawnNode("service", benchScript("support/service-child.js"), [], {
    execArgv: profileDir ? ["--cpu-prof", "--cpu-prof-dir", profileDir] : [],
    env: { BENCH_SERVICE: JSON.stringify(spec) },
  });
  try {
    const ready = await child.next<{ url: string | null; pid: number }>("READY", 60_000);
    return {
      url: ready.url ?? "",
      pid: ready.pid,
      usage() {
        const next = child.next<ServiceUsage>("USAGE", 10_000);
        child.send("usage");
        return next;
      },
      async stop() {
        const closed = child.next<ServiceUsage>("CLOSED", 60_000).catch(() => undefined);
        await child.stop(60_000);
        return closed;
      },
    };
  } catch (error) {
    await child.stop(1_000);
    throw error;
  }
}
