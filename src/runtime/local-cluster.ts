import { type ChildProcess, execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Redis } from "ioredis";
import { redisAnswers } from "./local-redis.js";

const run = promisify(execFile);

/** A port nothing listens on now. */
function freePort(): Promise<number> {
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
 * A Redis Cluster for tests and benchmarks (never the product's own Redis): `masters` redis-server processes started with
 * `--cluster-enabled yes` on free ports and temporary directories, joined by
 * `redis-cli --cluster create … --cluster-replicas 0`, ready once every node says `cluster_state:ok`.
 * `stop` kills every process and deletes the directories.
 */
export class LocalCluster {
  private readonly processes: ChildProcess[] = [];
  private readonly dirs: string[] = [];
  readonly ports: number[] = [];

  private constructor() {}

  static async start(masters = 3): Promise<LocalCluster> {
    const cluster = new LocalCluster();
    try {
      for (let i = 0; i < masters; i++) await cluster.startNode();
      const nodes = cluster.ports.map((port) => `127.0.0.1:${port}`);
      if (masters === 1) {
        // redis-cli --cluster create wants at least 3 masters: a 1-node cluster gets its slots directly.
        const port = cluster.ports[0] as number;
        await run("redis-cli", ["-p", String(port), "CLUSTER", "ADDSLOTSRANGE", "0", "16383"]);
      } else {
        await run("redis-cli", ["--cluster", "create", ...nodes, "--cluster-replicas", "0", "--cluster-yes"]);
      }
      await cluster.waitUntilOk();
      return cluster;
    } catch (error) {
      await cluster.stop();
      throw error;
    }
  }

  /** The seed list telesync takes as `redis.url` with `redis.cluster: true`. */
  get url(): string {
    return this.ports.map((port) => `redis://127.0.0.1:${port}`).join(",");
  }

  private async startNode(): Promise<void> {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), "telesync-cluster-"));
    this.dirs.push(dir);
    const args = ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", ""];
    args.push("--appendonly", "no", "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf");
    args.push("--cluster-node-timeout", "5000", "--maxmemory-policy", "noeviction");
    // A lone node (1-master cluster) otherwise announces an empty host in CLUSTER SLOTS.
    args.push("--cluster-announce-ip", "127.0.0.1");
    this.processes.push(spawn("redis-server", args, { stdio: "ignore" }));
    this.ports.push(port);
    for (let i = 0; i < 100; i++) {
      if (await redisAnswers(port)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`redis-server --cluster-enabled on ${port} did not start`);
  }

  private async waitUntilOk(): Promise<void> {
    for (let i = 0; i < 200; i++) {
      const states = await Promise.all(this.ports.map((port) => this.info(port)));
      if (states.every((info) => /cluster_state:ok/.test(info))) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error("the cluster did not reach cluster_state:ok");
  }

  private async info(port: number): Promise<string> {
    const { stdout } = await run("redis-cli", ["-p", String(port), "CLUSTER", "INFO"]);
    return stdout;
  }

  /** Run `command` on the node at `port` (a plain connection, closed after). */
  async onNode<T>(port: number, command: (redis: Redis) => Promise<T>): Promise<T> {
    const redis = new Redis({ port, host: "127.0.0.1", maxRetriesPerRequest: 1 });
    try {
      return await command(redis);
    } finally {
      redis.disconnect();
    }
  }

  /** Every key under `prefix`, by the port of the master holding it. */
  async keysByNode(prefix: string): Promise<Map<number, string[]>> {
    const out = new Map<number, string[]>();
    for (const port of this.ports) {
      const keys = await this.onNode(port, async (redis) => {
        const found: string[] = [];
        let cursor = "0";
        do {
          const [next, batch] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
          cursor = next;
          found.push(...batch);
        } while (cursor !== "0");
        return found;
      });
      out.set(port, keys);
    }
    return out;
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.processes.map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = once(child, "exit");
        child.kill("SIGKILL");
        await exited;
      }),
    );
    for (const dir of this.dirs) rmSync(dir, { recursive: true, force: true });
  }
}
