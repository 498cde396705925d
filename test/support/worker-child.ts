/**
 * A telesync process for crash tests (killed with SIGKILL). TELESYNC_ROLE=worker (default):
 * writeback always, the sync scheduler when SYNC_EVERY is set. TELESYNC_ROLE=api: the HTTP API on a
 * free port. Configured by SANDBOX_URL, TELESYNC_PREFIX, AGENT_USER_ID, REDIS_URL (optional); prints
 * "ready" (the API: "ready <url>") once it serves.
 */
import { TelesyncService } from "../../src/runtime/service.js";
import { createTelesync } from "../../src/runtime/telesync.js";
import { salesforceTestConfig } from "./harness.js";

const every = process.env.SYNC_EVERY;
const config = salesforceTestConfig(
  process.env.SANDBOX_URL as string,
  process.env.TELESYNC_PREFIX as string,
  process.env.AGENT_USER_ID,
  (input) => ({
    ...input,
    sources: (input.sources ?? []).map((source) => ({ ...source, ...(every ? { every } : {}) })),
    sync: { lockTtl: process.env.SYNC_LOCK_TTL ?? "3s" },
  }),
);
const telesync = createTelesync({ config, compliance: false });
const role = process.env.TELESYNC_ROLE === "api" ? "api" : "worker";
const service = await TelesyncService.start(telesync, {
  role,
  port: 0,
  schedule: every !== undefined,
  writeback: {
    batchWindowMs: 50,
    lockDurationMs: 2_000,
    stalledIntervalMs: 500,
    breaker: { failureThreshold: 3, openMs: 1_000, probeTimeoutMs: 5_000 },
  },
});
process.stdout.write(role === "api" ? `ready ${service.url}\n` : "ready\n");
