/**
 * Screen-pop lookup latency: 50 concurrent callers on `GET /v1/lookup`, against the sandbox (one
 * Salesforce org + one HubSpot portal over HTTP, each number carried by one Lead and one contact).
 * Pass 1 looks up every number once (cache misses: SOSL + HubSpot search per call); pass 2 repeats
 * them within the 30 s cache (queue and consent state still read fresh). The sandbox runs in this
 * process, so its CPU competes with the API's: figures are an upper bound for this machine.
 * HubSpot's search limit (5 requests/s per account) is lifted in the sandbox here to measure
 * telesync itself; with it, uncached lookups queue behind the shared limiter.
 *
 *   npx tsx bench/lookup.ts [numbers=1000] [callers=50]
 */
import { startSandbox } from "../sandbox/src/index.js";
import { configSchema } from "../src/config/schema.js";
import { dropPrefix } from "../src/runtime/drop-prefix.js";
import { TelesyncService } from "../src/runtime/service.js";
import { createTelesync } from "../src/runtime/telesync.js";
import { latencySummary } from "./support/common.js";

const numbers = Number(process.argv[2] ?? 1000);
const callers = Number(process.argv[3] ?? 50);
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const apiKey = "bench-key-0123456789abcdef";
const prefix = `{bench-lookup-${process.pid}}`;

const sandbox = await startSandbox({ port: 0 });
sandbox.hubspot.configureLimits({ searchPerSecond: 10_000, burstLimit: 100_000 });
const phone = (i: number) => `+1415555${String(i).padStart(4, "0")}`;
for (let i = 0; i < numbers; i++) {
  sandbox.salesforce.insert("Lead", { LastName: `Lead${i}`, Company: "Bench", Phone: phone(i) });
}
sandbox.hubspot.seedContacts(numbers);
const config = configSchema.parse({
  redis: { url: redisUrl, prefix },
  integrations: {
    sf: {
      vendor: "salesforce",
      instanceUrl: sandbox.url,
      loginUrl: sandbox.url,
      auth: {
        type: "refresh_token",
        clientId: "sandbox-client",
        clientSecret: "sandbox-secret",
        refreshToken: "sandbox-refresh",
      },
      searchRequestsPerSecond: Number(process.env.SF_SEARCHES_PER_SECOND ?? 1_000),
    },
    hs: {
      vendor: "hubspot",
      basePath: sandbox.hubspotBasePath,
      auth: { type: "private_app", accessToken: "sandbox-token" },
      portalId: "1",
      burstLimitPer10s: 100_000,
      searchRequestsPerSecond: Number(process.env.HUBSPOT_SEARCHES_PER_SECOND ?? 1_000),
    },
  },
  mappings: { lead: { fields: [{ to: "phone", from: "Phone", transform: ["phone"], required: true }] } },
  sources: [],
  campaigns: { bench: {} },
  api: { keys: [apiKey], port: 0 },
});
const telesync = createTelesync({ config, compliance: false });
const service = await TelesyncService.start(telesync, { port: 0, schedule: false, role: "api" });

async function pass(label: string): Promise<void> {
  const latencies: number[] = [];
  let next = 0;
  let found = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: callers }, async () => {
      for (;;) {
        const i = next++;
        if (i >= numbers) return;
        const t0 = performance.now();
        const response = await fetch(`${service.url}/v1/lookup?phone=${encodeURIComponent(phone(i))}`, {
          headers: { authorization: `Bearer ${apiKey}` },
        });
        const body = (await response.json()) as { records: unknown[]; unavailable: unknown[] };
        if (body.unavailable.length > 0 && i < 3) console.error(JSON.stringify(body.unavailable));
        latencies.push(performance.now() - t0);
        found += body.records.length;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  console.log(
    JSON.stringify({
      pass: label,
      callers,
      lookups: numbers,
      recordsFound: found,
      perSecond: Math.round(numbers / seconds),
      ms: latencySummary(latencies),
    }),
  );
}

try {
  await pass("cold (cache misses)");
  await pass("warm (cached CRM answer)");
} finally {
  await service.close();
  await telesync.close();
  await sandbox.close();
  await dropPrefix(redisUrl, prefix);
}
