import { type ChildProcess, spawn } from "node:child_process";
import { createConnection } from "node:net";

/** Tests need a real Redis: use REDIS_URL, else 127.0.0.1:6379, else start a throwaway redis-server. */
function answers(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host });
    socket.once("connect", () => {
      socket.write("PING\r\n");
    });
    socket.once("data", (data) => {
      socket.destroy();
      resolve(data.toString().startsWith("+PONG"));
    });
    socket.once("error", () => resolve(false));
    socket.setTimeout(1_000, () => {
      socket.destroy();
      resolve(false);
    });
  });
}

let server: ChildProcess | undefined;

export async function setup(): Promise<void> {
  if (process.env.REDIS_URL) return;
  if (await answers(6379)) {
    process.env.REDIS_URL = "redis://127.0.0.1:6379";
    return;
  }
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  server = spawn("redis-server", ["--port", String(port), "--save", "", "--appendonly", "no"], {
    stdio: "ignore",
  });
  for (let i = 0; i < 50; i++) {
    if (await answers(port)) {
      process.env.REDIS_URL = `redis://127.0.0.1:${port}`;
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("No Redis: set REDIS_URL, run redis-server on 6379, or install redis-server");
}

export async function teardown(): Promise<void> {
  server?.kill();
}
