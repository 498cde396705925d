import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { redisAnswers } from "../../src/runtime/local-redis.js";

/** A port nothing listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/**
 * A redis-server of the test's own, on a free port with its own data directory, that the test may
 * kill (SIGKILL) and start again on the same port and directory (AOF on when `appendonly`).
 */
export class ThrowawayRedis {
  private process: ChildProcess | undefined;
  private readonly dir = mkdtempSync(join(tmpdir(), "telesync-redis-"));

  private constructor(
    readonly port: number,
    private readonly appendonly: boolean,
  ) {}

  static async start(options: { appendonly?: boolean } = {}): Promise<ThrowawayRedis> {
    const redis = new ThrowawayRedis(await freePort(), options.appendonly ?? false);
    await redis.restart();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Start (again) on the same port and data directory; resolves once it answers PING. */
  async restart(): Promise<void> {
    const args = ["--port", String(this.port), "--bind", "127.0.0.1", "--dir", this.dir, "--save", ""];
    args.push("--maxmemory-policy", "noeviction");
    args.push(
      ...(this.appendonly ? ["--appendonly", "yes", "--appendfsync", "everysec"] : ["--appendonly", "no"]),
    );
    this.process = spawn("redis-server", args, { stdio: "ignore" });
    for (let i = 0; i < 100; i++) {
      if (await redisAnswers(this.port)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`redis-server on ${this.port} did not start`);
  }

  /** kill -9: no shutdown, no final save. */
  async kill(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, "exit");
    child.kill("SIGKILL");
    await exited;
  }

  /**
   * SIGSTOP: the server stops answering but keeps its sockets, so clients see a black hole (commands
   * hang, connections are not refused), the harder kind of "unreachable". Its clock keeps running:
   * keys (locks) expire as in a real outage. `resume` is SIGCONT.
   */
  pause(): void {
    this.process?.kill("SIGSTOP");
  }

  resume(): void {
    this.process?.kill("SIGCONT");
  }

  async stop(): Promise<void> {
    this.resume();
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
