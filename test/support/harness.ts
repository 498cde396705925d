import { type CrmSandbox, startSandbox } from "@telesync/sandbox";
import { type ServiceOptions, TelesyncService } from "../../src/runtime/service.js";
import { createTelesync, type Telesync } from "../../src/runtime/telesync.js";
import { dropPrefix, uniquePrefix } from "./redis.js";
import { apiKey, type ConfigInput, salesforceTestConfig } from "./test-config.js";

export {
  apiKey,
  type ConfigInput,
  salesforceTestConfig,
  salesforceTestConfigInput,
  unscreened,
} from "./test-config.js";

export interface Harness {
  sandbox: CrmSandbox;
  telesync: Telesync;
  service: TelesyncService;
  url: string;
  leadIds: string[];
  /** The sandbox User the test agent maps to (Task.OwnerId). */
  agentUserId: string;
  /** fetch against the API with the test key. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  leads?: number;
  service?: ServiceOptions;
  /**
   * Enforce the compliance gate at sync and lease time. Default off: most tests exercise queue
   * mechanics with leads in every US zone, at whatever hour they run.
   */
  compliance?: boolean;
  /** telesync's clock (default: the system clock). */
  now?: () => Date;
  /** Change the config before it is parsed (mappings, campaigns, sources…). */
  configure?: (input: ConfigInput) => ConfigInput;
  /** Seed the CRM instead of `leads` generated leads; returns the lead ids. */
  seed?: (sandbox: CrmSandbox) => string[];
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const sandbox = await startSandbox({ port: 0 });
  const prefix = uniquePrefix();
  const agentUserId = sandbox.salesforce.insert("User", {
    Username: "agent7@sandbox.example",
    LastName: "Seven",
  });
  const telesync = createTelesync({
    config: salesforceTestConfig(sandbox.url, prefix, agentUserId, options.configure),
    compliance: options.compliance ?? false,
    ...(options.now ? { now: options.now } : {}),
  });
  const leadIds = options.seed ? options.seed(sandbox) : sandbox.salesforce.seedLeads(options.leads ?? 100);
  await telesync.sync("leads");
  const service = await TelesyncService.start(telesync, {
    port: 0,
    schedule: false,
    writeback: { batchWindowMs: 50, lockDurationMs: 5_000, stalledIntervalMs: 1_000 },
    ...options.service,
  });
  const url = service.url as string;
  const harness: Harness = {
    sandbox,
    telesync,
    service,
    url,
    leadIds,
    agentUserId,
    call: (method, path, body, headers = {}) =>
      fetch(`${url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${apiKey}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
      }),
    // The service a test runs now (a test may restart it), not the first one.
    close: async () => {
      await harness.service.close();
      await telesync.close();
      await sandbox.close();
      await dropPrefix(prefix);
    },
  };
  return harness;
}

/** Poll until `check` is true (or fail after `timeoutMs`). */
export async function eventually(
  check: () => Promise<boolean> | boolean,
  timeoutMs = 30_000,
  what = "condition",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export function outcomeBody(
  outcomeId: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    outcomeId,
    disposition: "connected",
    startedAt: "2026-11-28T15:04:05.000Z",
    durationSec: 95,
    direction: "outbound",
    agent: { id: "agent-7" },
    notes: "Interested in a demo next week",
    ...overrides,
  };
}
