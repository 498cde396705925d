/**
 * HubSpot pacing when the account's real burst limit is lower than the configured tier: the sandbox
 * allows `real` requests per 10 s (and says so in X-HubSpot-RateLimit-*), the integration is
 * configured for 100. Reports the share of requests answered 429 and the throughput in the steady
 * state (after the first window) against the real ceiling.
 *
 *   npx tsx bench/hubspot-rate-headers.ts [real=40] [seconds=60] [workers=10]  (sandbox sources, not dist)
 */
import type { AddressInfo } from "node:net";
import Fastify from "fastify";
import { Redis } from "ioredis";
import { hubspotIntegrationSchema } from "../connectors/hubspot/config.js";
import { HubspotConnector } from "../connectors/hubspot/connector.js";
import { HubspotSandbox, hubspotSandboxPlugin } from "../sandbox/src/hubspot/index.js";
import { dropPrefix } from "../src/runtime/drop-prefix.js";
import { RedisRateLimiter } from "../src/runtime/redis-rate-limiter.js";
import { RedisTokenStore } from "../src/runtime/redis-token-store.js";

const [real = 40, seconds = 60, workers = 10] = process.argv.slice(2).map(Number);
const windowMs = 10_000;
const sandbox = new HubspotSandbox({ burstLimit: real, burstWindowMs: windowMs });
sandbox.seedContacts(3);
const app = Fastify({ logger: false, forceCloseConnections: true });
await app.register(hubspotSandboxPlugin(sandbox), { prefix: "/hubspot" });
await app.listen({ port: 0, host: "127.0.0.1" });
const basePath = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/hubspot`;
const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
const prefix = `{bench-rl-${process.pid}}`;
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const connector = new HubspotConnector(
  hubspotIntegrationSchema.parse({
    vendor: "hubspot",
    basePath,
    auth: { type: "private_app", accessToken: "sandbox-token" },
    burstLimitPer10s: 100,
  }),
  {
    integrationId: "bench",
    tokens: new RedisTokenStore(redis, prefix),
    rateLimiter: new RedisRateLimiter(redis, prefix),
    log: quiet,
  },
);

const started = performance.now();
const done: number[] = [];
await Promise.all(
  Array.from({ length: workers }, async () => {
    while (performance.now() - started < seconds * 1000) {
      await connector.verifyCredentials();
      done.push(performance.now() - started);
    }
  }),
);
const stats = sandbox.stats();
const limited = Object.values(stats.rateLimited).reduce((a, b) => a + b, 0);
const answered = stats.requests;
const steadyFrom = windowMs + 1_000; // ignore the first window (its initial burst) and 1 s of margin
const steadyTo = seconds * 1000;
const steady = done.filter((t) => t >= steadyFrom && t < steadyTo).length;
const ceiling = (real * (steadyTo - steadyFrom)) / windowMs;
console.log(
  JSON.stringify({
    realLimitPer10s: real,
    configuredPer10s: 100,
    workers,
    seconds,
    requests: answered,
    answered429: limited,
    share429: `${((100 * limited) / answered).toFixed(2)}%`,
    steadyRequests: steady,
    steadyCeiling: Math.round(ceiling),
    throughputRatio: (steady / ceiling).toFixed(3),
    burstMaxObserved: stats.observed.burstMax,
  }),
);
await connector.close();
await app.close();
await dropPrefix(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", prefix);
redis.disconnect();
