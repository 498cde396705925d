import { readFileSync } from "node:fs";
import { Redis } from "ioredis";
import nock from "nock";
import { afterEach, beforeEach, expect } from "vitest";
import {
  type SalesforceIntegration,
  salesforceIntegrationSchema,
} from "../../../connectors/salesforce/config.js";
import { SalesforceConnector } from "../../../connectors/salesforce/connector.js";
import type { ConnectorContext, PullPage, TokenStore } from "../../../connectors/types.js";
import { RedisTokenStore } from "../../../src/runtime/redis-token-store.js";
import { dropPrefix, redisUrl, uniquePrefix } from "../../support/redis.js";

export const instanceUrl = "https://acme.my.salesforce.com";
export const loginUrl = "https://login.salesforce.com";
export const api = "/services/data/v62.0";
export const integrationId = "sf";
export const secrets = {
  clientId: "3MVG9test-client-id",
  clientSecret: "client-secret-do-not-log",
  refreshToken: "5Aep861refresh-token-do-not-log",
};
/** What the shared token store holds at the start of most tests. */
export const storedToken = "00DRO000000abcd!AQ0AQStoredToken";
/** 2024-05-01T12:00:00Z: pulls start here in tests. */
export const now = Date.parse("2024-05-01T12:00:00.000Z");

/** A JSON fixture of fixtures/ (see its README for the doc page each comes from). */
export function fixture(name: string): nock.Body {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8")) as nock.Body;
}

export function salesforceConfig(overrides: Record<string, unknown> = {}): SalesforceIntegration {
  return salesforceIntegrationSchema.parse({
    vendor: "salesforce",
    instanceUrl,
    loginUrl,
    apiVersion: "62.0",
    auth: { type: "refresh_token", ...secrets },
    ...overrides,
  });
}

export interface LogLine {
  level: string;
  obj: object;
  msg?: string | undefined;
}

export function testContext(tokens: TokenStore, logs: LogLine[] = []): ConnectorContext {
  const log =
    (level: string) =>
    (obj: object, msg?: string): void => {
      logs.push({ level, obj, msg });
    };
  return {
    integrationId,
    tokens,
    rateLimiter: {
      acquire: async () => 0,
      pause: async () => {},
      pausedUntil: async () => undefined,
    },
    log: { debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") },
  };
}

/**
 * Per test: nock with no real network except local (Redis is TCP, the sandbox is 127.0.0.1), a real
 * `RedisTokenStore` under a unique prefix, and a check that every expected request was made.
 */
export function useSalesforceHarness(): {
  readonly tokens: RedisTokenStore;
  readonly logs: LogLine[];
  connector(config?: SalesforceIntegration, clock?: () => number): SalesforceConnector;
} {
  let redis: Redis | undefined;
  let prefix = "";
  let tokens: RedisTokenStore | undefined;
  const logs: LogLine[] = [];
  beforeEach(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
    prefix = uniquePrefix();
    redis = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });
    tokens = new RedisTokenStore(redis, prefix);
    logs.length = 0;
  });
  afterEach(async () => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    nock.enableNetConnect();
    redis?.disconnect();
    await dropPrefix(prefix);
    expect(pending, "requests the test expected but the connector never made").toEqual([]);
  });
  return {
    get tokens() {
      if (!tokens) throw new Error("harness used outside a test");
      return tokens;
    },
    logs,
    connector(config = salesforceConfig(), clock = () => now) {
      if (!tokens) throw new Error("harness used outside a test");
      return new SalesforceConnector(config, testContext(tokens, logs), { now: clock });
    },
  };
}

/** nock scope on the instance, expecting the stored token. */
export function instance(token = storedToken): nock.Scope {
  return nock(instanceUrl, { reqheaders: { authorization: `Bearer ${token}` } });
}

export async function collect(pages: AsyncIterable<PullPage>): Promise<PullPage[]> {
  const out: PullPage[] = [];
  for await (const page of pages) out.push(page);
  return out;
}
