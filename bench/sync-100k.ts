/**
 * One `telesync sync` of N sandbox leads, measured: leads/s, peak RSS of the syncing process, and
 * Redis memory per queued lead. The sandbox runs in a child process so its memory is not counted.
 *
 *   npm run build && node dist/bench/sync-100k.js [count]
 */
import { type ChildProcess, spawn } from "node:child_process";
import { Redis } from "ioredis";
import { configSchema } from "../src/config/schema.js";
import { ensureLocalRedis } from "../src/runtime/local-redis.js";
import { createTelesync } from "../src/runtime/telesync.js";

const count = Number(process.argv[2] ?? 100_000);
const port = 4400 + Math.floor(Math.random() * 500);
const prefix = "{telesync-bench}";

async function startSandboxProcess(): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ["bin/telesync.js", "sandbox", "--port", String(port), "--seed", String(count)],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", (d: Buffer) => d.toString().includes("listening") && resolve());
    child.once("exit", (code) => reject(new Error(`sandbox exited (${code})`)));
  });
  return child;
}

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info("memory");
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
}

async function main(): Promise<void> {
  const local = await ensureLocalRedis();
  const sandbox = await startSandboxProcess();
  const redis = new Redis(local.url);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  const url = `http://127.0.0.1:${port}`;
  const config = configSchema.parse({
    redis: { url: local.url, prefix },
    integrations: {
      sf: {
        vendor: "salesforce",
        instanceUrl: url,
        loginUrl: url,
        auth: {
          type: "refresh_token",
          clientId: "sandbox-client",
          clientSecret: "sandbox-secret",
          refreshToken: "sandbox-refresh",
        },
      },
    },
    mappings: {
      lead: {
        fields: [
          { to: "phone", from: "Phone", transform: ["phone"], required: true },
          { to: "firstName", from: "FirstName", transform: ["trim"] },
          { to: "lastName", from: "LastName", transform: ["trim"] },
          { to: "company", from: "Company" },
          { to: "email", from: "Email", transform: ["lower"] },
          { to: "region", from: "State" },
          { to: "postalCode", from: "PostalCode" },
          { to: "doNotCall", from: "DoNotCall", transform: ["boolean"] },
        ],
      },
    },
    sources: [
      {
        id: "bench",
        integration: "sf",
        campaign: "bench",
        mapping: "lead",
        select: { object: "Lead", where: "Status = 'Open - Not Contacted'" },
      },
    ],
    campaigns: { bench: {} },
  });
  const telesync = createTelesync({ config });
  const before = await usedMemory(redis);
  const started = performance.now();
  const report = await telesync.sync("bench");
  const seconds = (performance.now() - started) / 1000;
  const after = await usedMemory(redis);
  const queued = await telesync.dialQueue("bench").queue.getWaitingCount();
  console.log(
    JSON.stringify(
      {
        leads: count,
        pages: report.pages,
        queued,
        skipped: report.skipped,
        seconds: Number(seconds.toFixed(2)),
        leadsPerSecond: Math.round(report.records / seconds),
        peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
        redisBytesPerLead: Math.round((after - before) / Math.max(1, queued)),
      },
      null,
      2,
    ),
  );
  await telesync.close();
  const cleanup = await redis.keys(`${prefix}*`);
  if (cleanup.length > 0) await redis.del(...cleanup);
  redis.disconnect();
  sandbox.kill();
  local.stop();
}

await main();
