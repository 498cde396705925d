/**
 * A writeback worker in its own process, for the crash test: started with `node --import tsx`,
 * configured by SANDBOX_URL and TELESYNC_PREFIX; prints "ready" once its workers run.
 */
import { TelesyncService } from "../../src/runtime/service.js";
import { createTelesync } from "../../src/runtime/telesync.js";
import { salesforceTestConfig } from "./test-config.js";

const config = salesforceTestConfig(
  process.env.SANDBOX_URL as string,
  process.env.TELESYNC_PREFIX as string,
  process.env.AGENT_USER_ID,
);
const telesync = createTelesync({ config, compliance: false });
await TelesyncService.start(telesync, {
  role: "worker",
  schedule: false,
  writeback: { batchWindowMs: 50, lockDurationMs: 2_000, stalledIntervalMs: 500 },
});
process.stdout.write("ready\n");
