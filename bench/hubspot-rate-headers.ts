/**
 * HubSpot pacing when the account's real burst limit is lower than the configured tier: the sandbox
 * allows `real` requests per 10 s (and says so in X-HubSpot-RateLimit-*), the integration is
 * configured for 100. `workers` loops call the connector as fast as it lets them. Baseline: the real
 * limit itself. Figures: the share of requests answered 429, and throughput against the ceiling:
 * the fastest a vendor with a rolling window of `real` per 10 s lets R requests through is
 * ⌊(R−1)/real⌋ windows from the first to the last (a full window at once, then one every 10 s),
 * so ratio = that span / the span we took (1.0 = at the ceiling).
 *
 *   npm run build && node build/bench/run.js rate-headers
 *   node build/bench/hubspot-rate-headers.js [real=40] [seconds=25] [workers=10]
 */
import { startSandbox } from "@telesync/sandbox";
import { Redis } from "ioredis";
import { hubspotIntegrationSchema } from "../connectors/hubspot/config.js";
import { HubspotConnector } from "../connectors/hubspot/connector.js";
import { RedisRateLimiter } from "../src/runtime/redis-rate-limiter.js";
import { RedisTokenStore } from "../src/runtime/redis-token-store.js";
import {
  type BenchResult,
  benchPrefix,
  compare,
  dropBenchPrefix,
  isMain,
  printResult,
  round,
} from "./support/common.js";

export interface RateHeadersBenchOptions {
  redisUrl: string;
  /** The sandbox's (the "real") limit per 10 s; default 40. */
  real?: number;
  /** The integration's configured tier per 10 s; default 100. */
  configured?: number;
  seconds?: number;
  workers?: number;
}

const windowMs = 10_000;

/** How close R requests at `times` (ms, sorted) came to a rolling limit of `limit` per `windowMs`. */
export function ceilingRatio(times: readonly number[], limit: number): number {
  if (times.length <= limit) return Number.NaN;
  const ideal = Math.floor((times.length - 1) / limit) * windowMs;
  return ideal / ((times.at(-1) as number) - (times[0] as number));
}

export async function rateHeadersBench(options: RateHeadersBenchOptions): Promise<BenchResult> {
  const real = options.real ?? 40;
  const configured = options.configured ?? 100;
  const seconds = options.seconds ?? 25;
  const workers = options.workers ?? 10;
  const sandbox = await startSandbox({ port: 0 });
  sandbox.hubspot.configureLimits({ burstLimit: real, burstWindowMs: windowMs });
  sandbox.hubspot.seedContacts(3);
  const redis = new Redis(options.redisUrl);
  const prefix = benchPrefix();
  const quiet = { debug() {}, info() {}, warn() {}, error() {} };
  const connector = new HubspotConnector(
    hubspotIntegrationSchema.parse({
      vendor: "hubspot",
      basePath: sandbox.hubspotBasePath,
      auth: { type: "private_app", accessToken: "sandbox-token" },
      burstLimitPer10s: configured,
    }),
    {
      integrationId: "bench",
      tokens: new RedisTokenStore(redis, prefix),
      rateLimiter: new RedisRateLimiter(redis, prefix),
      log: quiet,
    },
  );
  try {
    const before = sandbox.hubspot.stats();
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
    const stats = sandbox.hubspot.stats();
    const limited = Object.values(stats.rateLimited).reduce((a, b) => a + b, 0);
    const answered = stats.requests - before.requests;
    const times = [...done].sort((a, b) => a - b);
    const ratio = ceilingRatio(times, real);
    const share429 = (100 * limited) / Math.max(1, answered);
    return {
      name: `hubspot pacing, real limit ${real}/10 s vs configured ${configured}/10 s`,
      command: `node build/bench/hubspot-rate-headers.js ${real} ${seconds} ${workers}`,
      sandbox: "in-process (the figure is bound by the rate limit, not CPU)",
      layout: `HubspotConnector in the benchmark process, ${workers} loops of GET contacts (one request each)`,
      clock:
        "wall clock (no compliance gate on this path; the rate windows are the sandbox's and Redis' clocks)",
      figures: {
        "real limit /10 s": real,
        "configured /10 s": configured,
        workers,
        seconds,
        requests: answered,
        "429 answers": limited,
        "429 share %": round(share429, 2),
        "requests served": times.length,
        "first → last served s": round(((times.at(-1) ?? 0) - (times[0] ?? 0)) / 1000, 2),
        "span at the ceiling s": round((Math.floor((times.length - 1) / real) * windowMs) / 1000, 1),
        "most requests in one 10 s window (sandbox)": stats.observed.burstMax,
      },
      comparisons: [
        compare({
          figure: `requests/10 s paced by the rate headers (configured ${configured}, real ${real})`,
          unit: "× ceiling",
          value: round(ratio * real, 2),
          baseline: "the real limit (requests/10 s)",
          baselineValue: real,
          better: "higher",
          target: "≥ 0.9× the real limit",
          minRatio: 0.9,
        }),
        compare({
          figure: "requests answered without a 429",
          unit: "%",
          value: round(100 - share429, 2),
          baseline: "every request (%)",
          baselineValue: 100,
          better: "higher",
          target: "< 1% 429s",
          minValue: 99.0001,
        }),
      ],
      headline: ["429 share %", "requests served", "first → last served s"],
      notes: [
        "ratio: ⌊(R−1)/real⌋ × 10 s (the shortest span a rolling window of `real` per 10 s allows for R requests) over the span taken",
      ],
    };
  } finally {
    await connector.close();
    await sandbox.close();
    await dropBenchPrefix(options.redisUrl, prefix);
    redis.disconnect();
  }
}

if (isMain(import.meta.url)) {
  const [real = 40, seconds = 25, workers = 10] = process.argv.slice(2).map(Number);
  rateHeadersBench({
    redisUrl: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    real,
    seconds,
    workers,
  }).then(
    (result) => {
      printResult(result);
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
