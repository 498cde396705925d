import { readFileSync } from "node:fs";
import { Redis } from "ioredis";
import nock from "nock";
import { afterEach, beforeEach } from "vitest";
import { type HubspotIntegration, hubspotIntegrationSchema } from "../../../connectors/hubspot/config.js";
import { HubspotConnector } from "../../../connectors/hubspot/connector.js";
import type {
  ActivityWrite,
  ConnectorContext,
  ConnectorLogger,
  PullPage,
  RateLimiter,
  TokenStore,
} from "../../../connectors/types.js";
import { RedisRateLimiter } from "../../../src/runtime/redis-rate-limiter.js";
import { RedisTokenStore } from "../../../src/runtime/redis-token-store.js";
import { RedisWriteLedger } from "../../../src/runtime/redis-write-ledger.js";
import { dropPrefix, redisUrl, uniquePrefix } from "../../support/redis.js";

export const silentLog: ConnectorLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** A HubSpot integration config for tests (private app token of the sandbox by default). */
export function hubspotConfig(basePath: string, overrides: Record<string, unknown> = {}): HubspotIntegration {
  return hubspotIntegrationSchema.parse({
    vendor: "hubspot",
    basePath,
    auth: { type: "private_app", accessToken: "sandbox-token" },
    ...overrides,
  });
}

/** Real Redis stores under a unique prefix; `close` disconnects and drops the keys. */
export async function redisContext(integrationId = "hs1", prefix = uniquePrefix()) {
  const redis = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });
  const rateLimiter = new RedisRateLimiter(redis, prefix);
  const ctx: ConnectorContext = {
    integrationId,
    tokens: new RedisTokenStore(redis, prefix),
    rateLimiter,
    writeLedger: new RedisWriteLedger(redis, prefix),
    log: silentLog,
  };
  return {
    ctx,
    redis,
    prefix,
    rateLimiter,
    close: async () => {
      redis.disconnect();
      await dropPrefix(prefix);
    },
  };
}

/** In-memory stores for nock tests: every acquire and pause is recorded and never waits. */
export class RecordingLimiter implements RateLimiter {
  readonly acquired: { bucket: string; max: number; windowMs: number }[] = [];
  readonly paused: { bucket: string; waitMs: number; reason: string }[] = [];
  async acquire(bucket: string, max: number, windowMs: number): Promise<number> {
    this.acquired.push({ bucket, max, windowMs });
    return 0;
  }
  async pause(bucket: string, waitMs: number, reason: string): Promise<void> {
    this.paused.push({ bucket, waitMs, reason });
  }
  async pausedUntil(): Promise<undefined> {
    return undefined;
  }
}

export class MemoryTokens implements TokenStore {
  readonly tokens = new Map<string, string>();
  async get(id: string): Promise<string | undefined> {
    return this.tokens.get(id);
  }
  async set(id: string, token: string): Promise<void> {
    this.tokens.set(id, token);
  }
}

export function memoryContext(integrationId = "hs1") {
  const rateLimiter = new RecordingLimiter();
  const tokens = new MemoryTokens();
  const ctx: ConnectorContext = { integrationId, tokens, rateLimiter, log: silentLog };
  return { ctx, rateLimiter, tokens };
}

export async function collect(pages: AsyncIterable<PullPage>): Promise<PullPage[]> {
  const all: PullPage[] = [];
  for await (const page of pages) all.push(page);
  return all;
}

/** A nock fixture (HubSpot's documented response formats). */
export function fixture(name: string): Record<string, unknown> | unknown[] {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), "utf8")) as Record<
    string,
    unknown
  >;
}

export const API = "https://api.hubapi.com";
export const NOW = Date.parse("2026-02-12T15:00:00.000Z");

/**
 * A connector against nock at `API` with a fixed clock and no sleeping, rebuilt for every test of the
 * calling file (registers its own beforeEach/afterEach). Read `.connector` and `.setup` inside tests.
 */
export function useNockedConnector(): {
  connector: HubspotConnector;
  setup: ReturnType<typeof memoryContext>;
} {
  const current = {} as { connector: HubspotConnector; setup: ReturnType<typeof memoryContext> };
  beforeEach(() => {
    nock.disableNetConnect();
    current.setup = memoryContext();
    current.connector = new HubspotConnector(hubspotConfig(API), current.setup.ctx, {
      now: () => NOW,
      sleep: async () => {},
    });
  });
  afterEach(async () => {
    await current.connector.close();
    nock.cleanAll();
    nock.enableNetConnect();
  });
  return current;
}

/** A call outcome for contact `contactId`, the n-th of a batch. */
export function outcome(n: number, contactId: string, extra: Partial<ActivityWrite> = {}): ActivityWrite {
  return {
    outcomeId: `out-${n}`,
    lead: { objectType: "contacts", crmId: contactId },
    call: {
      direction: "outbound",
      startedAt: `2026-02-12T09:5${n}:00.000Z`,
      durationSec: n === 1 ? 95 : 0,
      disposition: "f240bbac-87c9-4f6e-bf70-924b57d47db7",
      subject: "Call: connected",
      notes: "Interested.\nCall back <Tuesday> & bring pricing",
      toNumber: "+14155550101",
      fromNumber: "+14155559999",
      recordingUrl: "https://rec.example.com/a.mp3",
      ownerId: "77",
    },
    ...extra,
  };
}
