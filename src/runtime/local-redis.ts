import { type ChildProcess, spawn } from "node:child_process";
import { createConnection } from "node:net";

/** True when a Redis answers PING at host:port. */
export function redisAnswers(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (data) => done(data.toString().startsWith("+PONG")));
    socket.once("error", () => done(false));
    socket.setTimeout(1_000, () => done(false));
  });
}

export interface LocalRedis {
  url: string;
  /** The redis-server this process started, if it had to start one. */
  process?: ChildProcess;
  stop(): void;
}

/**
 * For the demo and the tests: REDIS_URL if set, else a Redis on 127.0.0.1:6379, else a throwaway
 * `redis-server` on a free port (nothing kept on disk).
 */
export async function ensureLocalRedis(
  env: Record<string, string | undefined> = process.env,
): Promise<LocalRedis> {
  if (env.REDIS_URL) return { url: env.REDIS_URL, stop() {} };
  if (await redisAnswers(6379)) return { url: "redis://127.0.0.1:6379", stop() {} };
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const child = spawn("redis-server", ["--port", String(port), "--save", "", "--appendonly", "no"], {
    stdio: "ignore",
  });
  const spawnFailed = new Promise<never>((_resolve, reject) =>
    child.once("error", (error) =>
      reject(
        new Error(
          `No Redis: set REDIS_URL, start redis-server on 6379, or install redis-server (${error.message})`,
        ),
      ),
    ),
  );
  for (let i = 0; i < 50; i++) {
    const up = await Promise.race([redisAnswers(port), spawnFailed]);
    if (up) return { url: `redis://127.0.0.1:${port}`, process: child, stop: () => child.kill() };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error("redis-server did not start within 5 s");
}
