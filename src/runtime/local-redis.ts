import { type ChildProcess, spawn } from "node:child_process";
import { createConnection } from "node:net";
import { StartupError } from "./startup-error.js";

/** One inline command to a Redis at host:port; the raw reply line, or undefined when none answers. */
function ask(command: string, port: number, host: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host });
    const done = (reply: string | undefined) => {
      socket.destroy();
      resolve(reply);
    };
    socket.once("connect", () => socket.write(`${command}\r\n`));
    socket.once("data", (data) => done(data.toString()));
    socket.once("error", () => done(undefined));
    socket.setTimeout(1_000, () => done(undefined));
  });
}

/** True when a Redis answers PING at host:port. */
export async function redisAnswers(port: number, host = "127.0.0.1"): Promise<boolean> {
  return (await ask("PING", port, host))?.startsWith("+PONG") === true;
}

/** Keys in database 0 of the Redis at host:port (-1 when it does not say). */
async function keyCount(port: number, host = "127.0.0.1"): Promise<number> {
  const match = /^:(\d+)/.exec((await ask("DBSIZE", port, host)) ?? "");
  return match ? Number(match[1]) : -1;
}

export interface LocalRedis {
  url: string;
  /** The redis-server this process started, if it had to start one. */
  process?: ChildProcess;
  stop(): void;
}

/**
 * For the demo and the tests: REDIS_URL if set (the operator chose it); else a throwaway
 * `redis-server` on a free port (nothing kept on disk, gone when it stops); else, when no
 * redis-server can be started, a Redis on 127.0.0.1:6379 only if it is empty or
 * TELESYNC_SHARED_REDIS=1 says its data may be shared: never someone else's database by surprise.
 */
export async function ensureLocalRedis(
  env: Record<string, string | undefined> = process.env,
): Promise<LocalRedis> {
  if (env.REDIS_URL) return { url: env.REDIS_URL, stop() {} };
  try {
    return await startThrowawayRedis();
  } catch (error) {
    if (!(await redisAnswers(6379))) throw error;
    const keys = await keyCount(6379);
    if (keys !== 0 && env.TELESYNC_SHARED_REDIS !== "1") {
      throw new StartupError(
        `could not start a throwaway redis-server (${(error as Error).message}), and the Redis on 127.0.0.1:6379 already holds ${keys < 0 ? "data" : `${keys} keys`}: the demo and tests will not write into a database they do not own. Install redis-server, set REDIS_URL to a Redis they may use, or set TELESYNC_SHARED_REDIS=1 (they write only under their own key prefix and delete it afterwards).`,
      );
    }
    return { url: "redis://127.0.0.1:6379", stop() {} };
  }
}

async function startThrowawayRedis(): Promise<LocalRedis> {
  let lastError: Error | undefined;
  // A random port may be taken: redis-server then exits at once, and another port is tried.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const child = spawn(
      "redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      { stdio: "ignore" },
    );
    const failed = new Promise<Error>((resolve) => {
      child.once("error", (error) =>
        resolve(new Error(`redis-server could not be started: ${error.message}`)),
      );
      child.once("exit", (code) => resolve(new Error(`redis-server exited with code ${code}`)));
    });
    for (let i = 0; i < 50; i++) {
      const up = await Promise.race([redisAnswers(port), failed]);
      if (up === true) return { url: `redis://127.0.0.1:${port}`, process: child, stop: () => child.kill() };
      if (up instanceof Error) {
        lastError = up;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill();
    if ((lastError?.message ?? "").includes("could not be started")) break;
    lastError ??= new Error("redis-server did not answer within 5 s");
  }
  throw lastError ?? new Error("redis-server could not be started");
}
