import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { redisUrl } from "../support/redis.js";

const exampleConfig = new URL("../../telesync.config.example.yaml", import.meta.url);

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("the CLI says what is wrong at start-up and exits", () => {
  let dir: string;
  let busy: Server | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "telesync-cli-"));
    copyFileSync(exampleConfig, join(dir, "telesync.config.yaml"));
  });
  afterEach(async () => {
    rmSync(dir, { recursive: true, force: true });
    if (busy) await new Promise((resolve) => busy?.close(resolve));
    busy = undefined;
  });

  it("--version prints the package's version", async () => {
    const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    const result = await runCli(["--version"], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(version);
  });

  it("run with Redis unreachable exits 1 with one line naming the URL it tried and how to set it", async () => {
    const port = await closedPort();
    const result = await runCli(["run"], {
      cwd: dir,
      env: { REDIS_URL: `redis://:hunter2secret@127.0.0.1:${port}`, TELESYNC_CONFIG: undefined },
      killAfterMs: 45_000,
    });
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`Redis is unreachable at redis://:***@127.0.0.1:${port}`);
    expect(lines[0]).toContain("REDIS_URL");
    // The password in the URL is never printed.
    expect(result.stderr).not.toContain("hunter2secret");
  });

  it("a .env file in the working directory is loaded (and the environment still wins)", async () => {
    const port = await closedPort();
    writeFileSync(join(dir, ".env"), `REDIS_URL=redis://127.0.0.1:${port}\n`);
    const fromFile = await runCli(["run"], { cwd: dir, env: { REDIS_URL: undefined }, killAfterMs: 45_000 });
    expect(fromFile.code).toBe(1);
    expect(fromFile.stderr).toContain(`redis://127.0.0.1:${port}`);
    const otherPort = await closedPort();
    const fromEnv = await runCli(["run"], {
      cwd: dir,
      env: { REDIS_URL: `redis://127.0.0.1:${otherPort}` },
      killAfterMs: 45_000,
    });
    expect(fromEnv.stderr).toContain(`redis://127.0.0.1:${otherPort}`);
  });

  it("run on a busy port exits 1 with one line naming the port, not a running worker without an API", async () => {
    busy = createServer();
    await new Promise<void>((resolve) => busy?.listen(0, "127.0.0.1", resolve));
    const { port } = busy.address() as { port: number };
    const config = readFileSync(join(dir, "telesync.config.yaml"), "utf8").replace(
      /port: 8080/,
      `port: ${port}`,
    );
    writeFileSync(join(dir, "telesync.config.yaml"), config);
    const result = await runCli(["run"], { cwd: dir, env: { REDIS_URL: redisUrl() }, killAfterMs: 45_000 });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`port ${port} on 127.0.0.1 is already in use`);
    expect(
      result.stderr
        .trim()
        .split("\n")
        .filter((l) => l.startsWith("telesync:")),
    ).toHaveLength(1);
  });
});
