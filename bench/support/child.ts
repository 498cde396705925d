import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";

/** Children still running: killed if the benchmark process exits early (error, Ctrl-C). */
const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

export interface Child {
  process: ChildProcess;
  /** The next stdout line starting with `tag `, parsed as JSON. */
  next<T>(tag: string, timeoutMs?: number): Promise<T>;
  /** Write one line to the child's stdin. */
  send(line: string): void;
  /** SIGTERM, then wait for exit (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<number | null>;
}

/**
 * Spawn `node [execArgv] script [...args]` with piped stdio. Lines that are not tagged are echoed to
 * our stderr with `label`, so a child's diagnostics stay visible.
 */
export function spawnNode(
  label: string,
  script: string,
  args: readonly string[],
  options: { execArgv?: readonly string[]; env?: Record<string, string> } = {},
): Child {
  const child = spawn(process.execPath, [...(options.execArgv ?? []), script, ...args], {
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, ...options.env },
  });
  running.add(child);
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  const waiters: Array<{ tag: string; resolve: (line: string) => void; reject: (e: Error) => void }> = [];
  const buffered: string[] = [];
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
    const at = waiters.findIndex((w) => line.startsWith(`${w.tag} `));
    if (at >= 0) {
      const [waiter] = waiters.splice(at, 1);
      waiter?.resolve(line);
    } else if (/^[A-Z]+ [{[]/.test(line)) buffered.push(line);
    else process.stderr.write(`[${label}] ${line}\n`);
  });
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on("line", (line) =>
    process.stderr.write(`[${label}] ${line}\n`),
  );
  void exited.then((code) => {
    for (const waiter of waiters.splice(0))
      waiter.reject(new Error(`${label} exited (code ${code}) before printing ${waiter.tag}`));
  });
  return {
    process: child,
    next<T>(tag: string, timeoutMs = 120_000): Promise<T> {
      const parse = (line: string) => JSON.parse(line.slice(tag.length + 1)) as T;
      const early = buffered.findIndex((line) => line.startsWith(`${tag} `));
      if (early >= 0) return Promise.resolve(parse(buffered.splice(early, 1)[0] as string));
      if (child.exitCode !== null) return Promise.reject(new Error(`${label} already exited`));
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`${label}: no ${tag} within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({
          tag,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(parse(line));
          },
          reject: (error) => {
            clearTimeout(timer);
            reject(error);
          },
        });
      });
    },
    send(line: string): void {
      child.stdin?.write(`${line}\n`);
    },
    async stop(graceMs = 30_000): Promise<number | null> {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** The compiled file next to this one, e.g. `benchScript("support/sandbox-child.js")`. */
export function benchScript(relative: string): string {
  return new URL(`../${relative}`, import.meta.url).pathname;
}
