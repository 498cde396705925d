/**
 * The config the test harness runs with, apart from the harness so a worker in its own process
 * (`writeback-child.ts`, outside vitest's alias for the sandbox) can build it without the sandbox.
 */
import { configSchema, type TelesyncConfig } from "../../src/config/schema.js";
import {
  type ConfigInput,
  sandboxConfigInput,
  sandboxDispositions,
  sandboxMappings,
  sandboxSalesforce,
} from "../../src/demo/sandbox-config.js";
import { redisUrl } from "./redis.js";

export const apiKey = "test-key-0123456789abcdef";

/**
 * The explicit registry opt-out for tests that exercise queues and the gate's hours, not registry
 * screening (which has its own tests): without it every US lead waits for a registry snapshot.
 */
export const unscreened = {
  requiredRegistries: "none",
  unscreenedReason: "test fixture: registry screening is tested in test/compliance-gate/registry.test.ts",
} as const;

export type { ConfigInput };

/** A config for one Salesforce integration on the sandbox; `campaign` q4 with a retry policy. */
export function salesforceTestConfig(
  sandboxUrl: string,
  prefix: string,
  agentUserId = "005000000000007AAA",
  configure: (input: ConfigInput) => ConfigInput = (input) => input,
): TelesyncConfig {
  return configSchema.parse(configure(salesforceTestConfigInput(sandboxUrl, prefix, agentUserId)));
}

/** The unparsed form of `salesforceTestConfig`, for tests that change it. */
export function salesforceTestConfigInput(
  sandboxUrl: string,
  prefix: string,
  agentUserId: string,
): ConfigInput {
  return sandboxConfigInput({
    redis: { url: redisUrl(), prefix },
    integrations: {
      sf: sandboxSalesforce(sandboxUrl, {
        writeback: { agentUsers: { "agent-7": agentUserId } },
        // A conversation writes only the Task here: tests count the CRM's write requests.
        dispositions: { ...sandboxDispositions.salesforce, connected: { value: "Connected" } },
      }),
    },
    mappings: { lead: sandboxMappings.salesforceLead },
    sources: [
      { id: "leads", integration: "sf", campaign: "q4", mapping: "lead", select: { object: "Lead" } },
    ],
    campaigns: {
      q4: {
        lease: { ttl: "30s" },
        outcomes: {
          no_answer: { action: "retry", delay: "1h", maxAttempts: 3 },
          callback: { action: "callback" },
        },
        compliance: unscreened,
      },
    },
    apiKeys: [apiKey],
  });
}
