import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";

/** Start `test/support/worker-child.ts` with `env`; resolves once it prints "ready". */
export function startWorkerChild(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "test/support/worker-child.ts"], {
    // The child imports test helpers that import the sandbox package: load it from its sources.
    env: { ...process.env, TSX_TSCONFIG_PATH: "test/support/tsconfig.child.json", ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    child.stdout?.on("data", (data: Buffer) => {
      if (data.toString().includes("ready")) resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`worker process exited early (${code})`)));
  });
}

/** Start an API process (`worker-child.ts` with TELESYNC_ROLE=api); resolves with it and its URL. */
export function startApiChild(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "test/support/worker-child.ts"], {
    env: {
      ...process.env,
      TSX_TSCONFIG_PATH: "test/support/tsconfig.child.json",
      ...env,
      TELESYNC_ROLE: "api",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (data: Buffer) => {
      out += data.toString();
      const url = /ready (\S+)/.exec(out)?.[1];
      if (url) resolve({ child, url });
    });
    child.once("exit", (code) => reject(new Error(`API process exited early (${code})`)));
  });
}

/** kill -9 and wait for the exit. */
export async function killHard(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGKILL");
  await exited;
}

/** A small seeded generator (mulberry32) for random fault points that a failing run can replay. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
