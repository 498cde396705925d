/**
 * Screen-pop lookup latency: 50 concurrent callers on `GET /v1/lookup`, against the sandbox (one
 * Salesforce org + one HubSpot portal over HTTP, each number carried by one Lead and one contact).
 * Pass 1 looks up every number once (cache misses: SOSL + HubSpot search per call); pass 2 repeats
 * them within the 30 s cache (queue and consent state still read fresh). The sandbox runs in its own
 * process, as a CRM would: its search CPU is not counted against the API's (both share the machine's
 * cores). Run twice: once with HubSpot's search limit lifted on both sides (telesync itself), once on
 * a fresh sandbox enforcing HubSpot's documented 5 searches/s with telesync's limiter at its default
 * 5/s (numbers waiting for a slot share one search, see connectors/hubspot/find-by-phone.ts).
 *
 * Baseline, same run, same callers: the CRMs' own latency, a raw SOSL search and a raw HubSpot
 * contact search per number sent at once over plain fetch (what any lookup has to wait for).
 *
 * The closed loop at 5/s is saturated (50 callers that always wait ask for more than the budget
 * carries: its bound is printed beside it), so each run also has open-loop passes: Poisson arrivals
 * at 2/s, 10/s and 40/s of numbers never looked up, raw searches on the lifted sandbox, lookups on the
 * one enforcing 5/s (see `openRates`).
 *
 *   npm run build && node build/bench/run.js lookup
 *   node build/bench/lookup.js [numbers=1000] [callers=50]
 */
import { hubspotLimits } from "../connectors/hubspot/limits.js";
import { configSchema } from "../src/config/schema.js";
import { sandboxCredentials } from "../src/demo/sandbox-config.js";
import { TelesyncService } from "../src/runtime/service.js";
import { createTelesync } from "../src/runtime/telesync.js";
import {
  type BenchResult,
  benchPrefix,
  compare,
  dropBenchPrefix,
  isMain,
  printResult,
} from "./support/common.js";
import {
  type OpenLoopPass,
  openLoop,
  type Pass,
  closedLoop as pass,
  poissonArrivals,
} from "./support/load-passes.js";
import { sandboxSalesforceToken } from "./support/salesforce-token.js";
import { startSandboxProcess } from "./support/sandbox-process.js";

const apiKey = "bench-key-0123456789abcdef";
const phone = (i: number) => `+1415555${String(i).padStart(4, "0")}`;

/**
 * Open-loop passes: inbound calls arriving at random (Poisson), each a number not looked up before
 * (cold). 2/s is a steady inbound line, 10/s a busy contact centre's peak, 40/s near what 5 searches/s
 * carry at all (≈ 3.8 searches/s after the limiter's margin × ≈ 12 numbers per search).
 */
const openRates = [
  { perSecond: 2, seconds: 15 },
  { perSecond: 10, seconds: 12 },
  { perSecond: 40, seconds: 8 },
] as const;
const arrivalsAt = openRates.map(({ perSecond, seconds }) => poissonArrivals(perSecond, seconds));
/** Numbers the open-loop passes use, after the closed loop's (each pass its own range). */
const openNumbers = arrivalsAt.reduce((sum, arrivals) => sum + arrivals.length, 0);

interface OpenResult {
  perSecond: number;
  pass: OpenLoopPass;
  hubspotSearches: number;
  rateLimited: number;
}

interface Lookups {
  baseline: Pass;
  cold: Pass;
  warm: Pass;
  soslSearches: number;
  hubspotSearches: number;
  rateLimited: number;
  /** Open loop: raw searches where the limit is lifted, lookups where the budget is enforced. */
  open: OpenResult[];
}

/**
 * One sandbox process, one telesync: the raw baseline, then cold and warm lookups. `searchPerSecond`
 * is HubSpot's search budget on both sides (the sandbox enforces it with 429s, telesync's limiter
 * paces to it); undefined lifts it on both.
 */
async function measure(
  options: { redisUrl: string; numbers: number; callers: number },
  searchPerSecond: number | undefined,
): Promise<Lookups> {
  const { numbers, callers } = options;
  const prefix = benchPrefix();
  // Leads and contacts carry +1415555 0000…numbers−1, the numbers `phone(i)` asks for.
  const sandbox = await startSandboxProcess({
    phoneLeads: numbers + openNumbers,
    contacts: numbers + openNumbers,
    hubspotBurst: 100_000,
    hubspotSearch: searchPerSecond ?? 10_000,
  });
  const config = configSchema.parse({
    redis: { url: options.redisUrl, prefix },
    integrations: {
      sf: {
        vendor: "salesforce",
        instanceUrl: sandbox.url,
        loginUrl: sandbox.url,
        auth: { type: "refresh_token", ...sandboxCredentials.salesforce },
        searchRequestsPerSecond: 1_000,
      },
      hs: {
        vendor: "hubspot",
        basePath: sandbox.hubspotBasePath,
        auth: { type: "private_app", ...sandboxCredentials.hubspot },
        portalId: "1",
        burstLimitPer10s: 100_000,
        searchRequestsPerSecond: searchPerSecond ?? 1_000,
      },
    },
    mappings: { lead: { fields: [{ to: "phone", from: "Phone", transform: ["phone"], required: true }] } },
    sources: [],
    campaigns: { bench: {} },
    api: { keys: [apiKey], port: 0 },
  });
  const telesync = createTelesync({ config, compliance: false });
  let service: TelesyncService | undefined;
  try {
    service = await TelesyncService.start(telesync, { port: 0, schedule: false, role: "api" });
    const url = service.url as string;
    const lookup = async (i: number) => {
      const response = await fetch(`${url}/v1/lookup?phone=${encodeURIComponent(phone(i))}`, {
        headers: { authorization: `Bearer ${apiKey}` },
      });
      const body = (await response.json()) as { records: unknown[] };
      return body.records.length;
    };
    const token = await sandboxSalesforceToken(sandbox.url);
    const raw = async (i: number) => {
      const digits = phone(i).slice(2);
      const sosl = `FIND {${digits}} IN PHONE FIELDS RETURNING Lead(Id, Name, Phone)`;
      const [sf, hs] = await Promise.all([
        fetch(`${sandbox.url}/services/data/v62.0/search?q=${encodeURIComponent(sosl)}`, {
          headers: { authorization: `Bearer ${token}` },
        }).then((r) => r.json() as Promise<{ searchRecords?: unknown[] }>),
        fetch(`${sandbox.hubspotBasePath}/crm/v3/objects/contacts/search`, {
          method: "POST",
          headers: {
            authorization: `Bearer ${sandboxCredentials.hubspot.accessToken}`,
            "content-type": "application/json",
          },
          body: JSON.stringify({
            filterGroups: [{ filters: [{ propertyName: "phone", operator: "EQ", value: phone(i) }] }],
            properties: ["phone", "firstname", "lastname"],
            limit: 10,
          }),
        }).then((r) => r.json() as Promise<{ results?: unknown[] }>),
      ]);
      return (sf.searchRecords?.length ?? 0) + (hs.results?.length ?? 0);
    };
    // The raw baseline knows no budget: under a real 5/s limit it would mostly measure 429s.
    const baseline = searchPerSecond === undefined ? await pass(numbers, callers, raw) : emptyPass;
    const searches = async () => {
      const state = await sandbox.state();
      return {
        sosl: state.salesforce.search,
        hubspot: state.hubspot.byKind["contacts.search"] ?? 0,
        rateLimited: Object.values(state.hubspot.rateLimited).reduce((a, b) => a + b, 0),
      };
    };
    const before = await searches();
    const cold = await pass(numbers, callers, lookup);
    const after = await searches();
    const warm = await pass(numbers, callers, lookup);
    // Open loop: the raw searches where no budget applies (the baseline), telesync's lookups where
    // HubSpot's budget is enforced; each rate on its own range of numbers, never looked up before.
    const open: OpenResult[] = [];
    let offset = numbers;
    for (const [r, arrivals] of arrivalsAt.entries()) {
      const first = offset;
      offset += arrivals.length;
      const start = await searches();
      const call = searchPerSecond === undefined ? raw : lookup;
      const result = await openLoop(arrivals, (i) => call(first + i));
      const end = await searches();
      open.push({
        perSecond: openRates[r]?.perSecond ?? 0,
        pass: result,
        hubspotSearches: end.hubspot - start.hubspot,
        rateLimited: end.rateLimited - start.rateLimited,
      });
    }
    return {
      baseline,
      cold,
      warm,
      hubspotSearches: after.hubspot - before.hubspot,
      soslSearches: after.sosl - before.sosl,
      rateLimited: after.rateLimited - before.rateLimited,
      open,
    };
  } finally {
    await service?.close();
    await telesync.close();
    await sandbox.stop();
    await dropBenchPrefix(options.redisUrl, prefix);
  }
}

const emptyPass: Pass = { perSecond: 0, found: 0, ms: {} };

/** HubSpot's documented search limit: 5 requests per second per account. */
const hubspotSearchBudget = 5;

export async function lookupBench(options: {
  redisUrl: string;
  numbers?: number;
  callers?: number;
}): Promise<BenchResult> {
  const numbers = options.numbers ?? 1000;
  const callers = options.callers ?? 50;
  const lifted = await measure({ redisUrl: options.redisUrl, numbers, callers }, undefined);
  const budget = await measure({ redisUrl: options.redisUrl, numbers, callers }, hubspotSearchBudget);
  const { baseline, cold, warm } = lifted;
  // Saturation bound of the closed loop at the budget: the limiter grants 5 searches per window of
  // a second plus its margin, each carries what fits its filters; 50 callers that always wait cannot
  // average less than callers ÷ that capacity (Little's law).
  const searchesPerSecond =
    (hubspotSearchBudget * 1000) / (hubspotLimits.secondlyWindowMs + hubspotLimits.windowMarginMs);
  const perSearch = budget.hubspotSearches === 0 ? Number.NaN : numbers / budget.hubspotSearches;
  const capacity = searchesPerSecond * perSearch;
  const boundMs = Math.round((callers / capacity) * 1000);
  const openFigures: Record<string, number> = {};
  const openComparisons = budget.open.flatMap((run, r) => {
    const rawRun = lifted.open[r];
    const label = `open loop ${run.perSecond}/s`;
    openFigures[`${label}: raw p50 ms`] = rawRun?.pass.ms.p50 ?? 0;
    openFigures[`${label}: raw p95 ms`] = rawRun?.pass.ms.p95 ?? 0;
    openFigures[`${label} at 5/s budget: lookups`] = run.pass.count;
    openFigures[`${label} at 5/s budget: p50 ms`] = run.pass.ms.p50 ?? 0;
    openFigures[`${label} at 5/s budget: p95 ms`] = run.pass.ms.p95 ?? 0;
    openFigures[`${label} at 5/s budget: max ms`] = run.pass.ms.max ?? 0;
    openFigures[`${label} at 5/s budget: records found`] = run.pass.found;
    openFigures[`${label} at 5/s budget: HubSpot searches`] = run.hubspotSearches;
    openFigures[`${label} at 5/s budget: HubSpot 429s`] = run.rateLimited;
    return [
      compare({
        figure: `cold lookup p95, Poisson arrivals at ${run.perSecond}/s, HubSpot's 5 searches/s enforced`,
        unit: "ms",
        value: run.pass.ms.p95 ?? Number.NaN,
        baseline: `raw SOSL + HubSpot search in parallel at ${run.perSecond}/s, limit lifted, p95`,
        baselineValue: rawRun?.pass.ms.p95 ?? Number.NaN,
        better: "lower",
        target: "p95 ≤ 300 ms",
        maxValue: 300,
      }),
      compare({
        figure: `HubSpot searches answered without a 429, Poisson arrivals at ${run.perSecond}/s (${run.hubspotSearches} searches)`,
        unit: "%",
        value:
          run.hubspotSearches === 0
            ? 100
            : (100 * (run.hubspotSearches - run.rateLimited)) / run.hubspotSearches,
        baseline: "every search",
        baselineValue: 100,
        better: "higher",
        target: "0 × 429",
        minValue: 100,
      }),
    ];
  });
  return {
    name: `lookup ${numbers.toLocaleString("en-US")} numbers, ${callers} callers`,
    command: `node build/bench/lookup.js ${numbers} ${callers}`,
    sandbox:
      "child process (bench/support/sandbox-child.ts); HubSpot search limit lifted, then a second sandbox at HubSpot's 5/s",
    layout: 'TelesyncService role "api" in the benchmark process; fetch clients in the same process',
    clock: "wall clock (lookups are not gated)",
    figures: {
      "raw CRM searches/s": baseline.perSecond,
      "raw CRM p50 ms": baseline.ms.p50 ?? 0,
      "raw CRM p95 ms": baseline.ms.p95 ?? 0,
      "cold lookups/s": cold.perSecond,
      "cold p50 ms": cold.ms.p50 ?? 0,
      "cold p95 ms": cold.ms.p95 ?? 0,
      "cold p99 ms": cold.ms.p99 ?? 0,
      "cold records found": cold.found,
      "cold SOSL searches": lifted.soslSearches,
      "cold HubSpot searches": lifted.hubspotSearches,
      "HubSpot 429s": lifted.rateLimited,
      "warm lookups/s": warm.perSecond,
      "warm p50 ms": warm.ms.p50 ?? 0,
      "warm p95 ms": warm.ms.p95 ?? 0,
      "5/s budget: cold lookups/s": budget.cold.perSecond,
      "5/s budget: cold p50 ms": budget.cold.ms.p50 ?? 0,
      "5/s budget: cold p95 ms": budget.cold.ms.p95 ?? 0,
      "5/s budget: cold records found": budget.cold.found,
      "5/s budget: HubSpot searches": budget.hubspotSearches,
      "5/s budget: HubSpot 429s": budget.rateLimited,
      "5/s budget: warm p95 ms": budget.warm.ms.p95 ?? 0,
      "5/s budget: numbers per search": Math.round(perSearch * 10) / 10,
      "5/s budget: closed-loop bound ms": boundMs,
      ...openFigures,
    },
    comparisons: [
      compare({
        figure: "cold lookup p50 (CRM searches, queue and consent state)",
        unit: "ms",
        value: cold.ms.p50 ?? Number.NaN,
        baseline: "raw SOSL + HubSpot search in parallel, p50",
        baselineValue: baseline.ms.p50 ?? Number.NaN,
        better: "lower",
      }),
      compare({
        figure: "cold lookup p95",
        unit: "ms",
        value: cold.ms.p95 ?? Number.NaN,
        baseline: "raw SOSL + HubSpot search in parallel, p95",
        baselineValue: baseline.ms.p95 ?? Number.NaN,
        better: "lower",
        target: "p95 ≤ 300 ms",
        maxValue: 300,
      }),
      compare({
        figure: "cold lookup p95 within HubSpot's 5 searches/s (sandbox enforcing it)",
        unit: "ms",
        value: budget.cold.ms.p95 ?? Number.NaN,
        baseline: "raw SOSL + HubSpot search in parallel, p95 (limit lifted)",
        baselineValue: baseline.ms.p95 ?? Number.NaN,
        better: "lower",
        target: "p95 ≤ 300 ms",
        maxValue: 300,
      }),
      compare({
        figure: "HubSpot searches answered without a 429 at the 5/s budget",
        unit: "%",
        value:
          budget.hubspotSearches === 0
            ? 100
            : (100 * (budget.hubspotSearches - budget.rateLimited)) / budget.hubspotSearches,
        baseline: "every search",
        baselineValue: 100,
        better: "higher",
        target: "0 × 429 (never over the vendor's budget)",
        minValue: 100,
      }),
      compare({
        figure: "cold lookup mean within HubSpot's 5 searches/s, 50 callers (closed loop, saturated)",
        unit: "ms",
        value: budget.cold.ms.mean ?? Number.NaN,
        baseline: `saturation bound: ${callers} callers ÷ (${searchesPerSecond.toFixed(2)} searches/s × ${perSearch.toFixed(1)} numbers/search)`,
        baselineValue: boundMs,
        better: "lower",
      }),
      ...openComparisons,
      compare({
        figure: "cold lookups/s",
        unit: "lookups/s",
        value: cold.perSecond,
        baseline: "raw SOSL + HubSpot search pairs/s",
        baselineValue: baseline.perSecond,
        better: "higher",
      }),
      compare({
        figure: "warm lookup p50 (cached CRM answer)",
        unit: "ms",
        value: warm.ms.p50 ?? Number.NaN,
        baseline: "raw SOSL + HubSpot search in parallel, p50",
        baselineValue: baseline.ms.p50 ?? Number.NaN,
        better: "lower",
      }),
    ],
    headline: [
      "cold p50 ms",
      "cold p95 ms",
      "5/s budget: cold p95 ms",
      "open loop 2/s at 5/s budget: p95 ms",
      "open loop 10/s at 5/s budget: p95 ms",
      "open loop 40/s at 5/s budget: p95 ms",
      "raw CRM p95 ms",
    ],
    notes: [
      "raw baseline: the same numbers, the same 50 callers, straight to the sandbox (no telesync), run first",
      "5/s budget: a fresh sandbox enforcing HubSpot's documented 5 searches/s and telesync's limiter at its default 5/s; no raw pass there (unpaced raw searches would mostly be 429s)",
      `closed loop at the budget is saturated: ${callers} callers that always wait need more than the ${capacity.toFixed(0)} lookups/s the budget carries (${searchesPerSecond.toFixed(2)} searches/s × ${perSearch.toFixed(1)} numbers per search), so its mean latency cannot fall below ${boundMs} ms whatever telesync does`,
      "open loop: Poisson arrivals (seeded) at 2/s for 15 s, 10/s for 12 s and 40/s for 8 s, each a number never looked up, timed from its arrival; raw baseline at the same arrivals on the sandbox with the limit lifted, lookups on the sandbox enforcing 5 searches/s",
    ],
  };
}

if (isMain(import.meta.url)) {
  const [numbers = 1000, callers = 50] = process.argv.slice(2).map(Number);
  lookupBench({ redisUrl: process.env.REDIS_URL ?? "redis://127.0.0.1:6379", numbers, callers }).then(
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
