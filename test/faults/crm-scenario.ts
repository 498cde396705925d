import { Writable } from "node:stream";
import { type CrmSandbox, startSandbox } from "@telesync/sandbox";
import { configSchema } from "../../src/config/schema.js";
import type { ConfigInput } from "../../src/demo/sandbox-config.js";
import {
  hubspotOutcomes,
  sandboxConfigInput,
  sandboxCredentials,
  sandboxHubspot,
  sandboxMappings,
} from "../../src/demo/sandbox-config.js";
import { createLogger } from "../../src/observability/logger.js";
import { type ServiceOptions, TelesyncService } from "../../src/runtime/service.js";
import { createTelesync, type Telesync } from "../../src/runtime/telesync.js";
import { apiKey, salesforceTestConfigInput, unscreened } from "../support/harness.js";
import { dropPrefix, redisUrl, uniquePrefix } from "../support/redis.js";
import { queueDrained } from "./support.js";

export type Vendor = "salesforce" | "hubspot";

/** The credential a scenario may replace (a revoked token's fix): refresh token or private app token. */
export interface ScenarioCredentials {
  salesforceRefreshToken?: string;
  hubspotToken?: string;
}

/**
 * One CRM fault scenario for either vendor, the same campaign (`q4`) and outcome shape: the
 * Salesforce integration `sf` (Leads, Tasks by CallObject) or the HubSpot integration `hs`
 * (contacts, calls by `telesync_outcome_id`). `restart` replaces the running service (and its
 * credentials) like an operator's rolling restart; Redis keeps everything.
 */
export interface CrmScenario {
  vendor: Vendor;
  integration: "sf" | "hs";
  sandbox: CrmSandbox;
  telesync: Telesync;
  service: TelesyncService;
  leadKeys: string[];
  /** Every log line telesync wrote, parsed (what an operator's log pipeline receives). */
  logs(): Array<Record<string, unknown>>;
  call(method: string, path: string, body?: unknown): Promise<Response>;
  /** The outcome ids written into the CRM's activity records (one per record). */
  outcomeIdsInCrm(): unknown[];
  /** The integration's writeback queue holds nothing to do. */
  drained(): Promise<boolean>;
  restart(credentials?: ScenarioCredentials): Promise<void>;
  close(): Promise<void>;
}

function configInput(
  vendor: Vendor,
  sandbox: CrmSandbox,
  prefix: string,
  agent: string,
  credentials: ScenarioCredentials,
): ConfigInput {
  if (vendor === "salesforce") {
    const input = salesforceTestConfigInput(sandbox.url, prefix, agent);
    const sf = input.integrations.sf;
    if (sf?.vendor === "salesforce" && credentials.salesforceRefreshToken)
      sf.auth = {
        type: "refresh_token",
        ...sandboxCredentials.salesforce,
        refreshToken: credentials.salesforceRefreshToken,
      };
    return input;
  }
  return sandboxConfigInput({
    redis: { url: redisUrl(), prefix },
    integrations: {
      hs: sandboxHubspot(sandbox.hubspotBasePath, {
        auth: { type: "private_app", accessToken: credentials.hubspotToken ?? "sandbox-token" },
        dispositions: { connected: { value: hubspotOutcomes.connected } },
      }),
    },
    mappings: { contact: sandboxMappings.hubspotContact },
    sources: [
      { id: "leads", integration: "hs", campaign: "q4", mapping: "contact", select: { allContacts: true } },
    ],
    campaigns: { q4: { lease: { ttl: "30s" }, compliance: unscreened } },
    apiKeys: [apiKey],
  });
}

export async function startCrmScenario(options: {
  vendor: Vendor;
  leads: number;
  service?: ServiceOptions;
  configure?: (input: ConfigInput) => ConfigInput;
}): Promise<CrmScenario> {
  const { vendor } = options;
  const sandbox = await startSandbox({ port: 0 });
  const prefix = uniquePrefix();
  const agent = sandbox.salesforce.insert("User", { Username: "a7@sandbox.example", LastName: "Seven" });
  const leadKeys =
    vendor === "salesforce"
      ? sandbox.salesforce.seedLeads(options.leads).map((id) => `sf/Lead/${id}`)
      : sandbox.hubspot.seedContacts(options.leads).map((id) => `hs/contacts/${id}`);
  const lines: string[] = [];
  const log = createLogger({
    level: "info",
    destination: new Writable({
      write(chunk, _encoding, done) {
        lines.push(...String(chunk).split("\n").filter(Boolean));
        done();
      },
    }),
  });
  const build = (credentials: ScenarioCredentials) =>
    createTelesync({
      log,
      config: configSchema.parse(
        (options.configure ?? ((i) => i))(configInput(vendor, sandbox, prefix, agent, credentials)),
      ),
      compliance: false,
    });
  const serviceOptions: ServiceOptions = {
    port: 0,
    schedule: false,
    ...options.service,
    writeback: {
      batchWindowMs: 50,
      lockDurationMs: 5_000,
      stalledIntervalMs: 1_000,
      ...options.service?.writeback,
    },
  };
  let telesync = build({});
  await telesync.sync("leads");
  let service = await TelesyncService.start(telesync, serviceOptions);
  const integration = vendor === "salesforce" ? "sf" : "hs";
  const scenario: CrmScenario = {
    vendor,
    integration,
    sandbox,
    get telesync() {
      return telesync;
    },
    get service() {
      return service;
    },
    leadKeys,
    logs: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
    call: (method, path, body) =>
      fetch(`${service.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${apiKey}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    outcomeIdsInCrm: () =>
      vendor === "salesforce"
        ? sandbox.salesforce.all("Task").map((t) => t.CallObject)
        : sandbox.hubspot.calls().map((c) => c.properties.telesync_outcome_id),
    drained: () => queueDrained(service.intake, integration),
    restart: async (credentials = {}) => {
      await service.close();
      await telesync.close();
      telesync = build(credentials);
      service = await TelesyncService.start(telesync, serviceOptions);
    },
    close: async () => {
      sandbox.salesforce.clearFaults();
      sandbox.hubspot.clearFaults();
      await service.close().catch(() => {});
      await telesync.close();
      await sandbox.close();
      await dropPrefix(prefix);
    },
  };
  return scenario;
}
