import fc from "fast-check";
import type { FastifyInstance } from "fastify";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeLeaseId } from "../../src/dialer/lease-id.js";
import { dropPrefix } from "../../src/runtime/drop-prefix.js";
import { apiKey, type Harness, startHarness } from "../support/harness.js";
import { redisUrl } from "../support/redis.js";

/**
 * Hostile input over every route: ≥ 10,000 requests through `app.inject`, with admin, dialer, wrong
 * and no keys, prototype names, malformed lease ids and bodies. No answer is a 5xx, and a request
 * answered 4xx leaves every key under the test's prefix exactly as it was (names and DUMPed values).
 *
 * The test runs in its own Redis database (index 9, under a unique prefix as usual), so the state
 * snapshot (KEYS over that database and a hash of each DUMP, in one Lua call) reads a few dozen keys,
 * not the shared db 0. A key with a TTL that vanishes is taken to have expired; TTL changes alone are
 * not seen.
 */
const fuzzDb = 9;
const runs = Number(process.env.FUZZ_RUNS ?? 10_000);
const dialerKey = "fuzz-dialer-key-0123456789";

/** Every key under the prefix → SHA-1 of its DUMP, and whether it has a TTL (may expire by itself). */
const snapshotScript = `
local keys = redis.call('KEYS', ARGV[1])
local out = {}
for _, k in ipairs(keys) do
  out[#out + 1] = k .. ' ' .. redis.sha1hex(redis.call('DUMP', k) or '') .. ' ' .. (redis.call('PTTL', k) > 0 and 'v' or 'p')
end
return out
`;

type Snapshot = Map<string, { hash: string; volatile: boolean }>;

/** What a request changed: keys added or modified, and keys gone that could not have expired. */
function changes(before: Snapshot, after: Snapshot): string[] {
  const changed: string[] = [];
  for (const [key, entry] of after) {
    const was = before.get(key);
    if (!was) changed.push(`+ ${key}`);
    else if (was.hash !== entry.hash) changed.push(`~ ${key}`);
  }
  // BullMQ deduplication keys (`…:de:<id>`, set with a TTL by sync triggers) are released by BullMQ
  // itself when their window ends; their going away is no write of the request under test.
  for (const [key, was] of before)
    if (!after.has(key) && !was.volatile && !/:de:[^:]+$/.test(key)) changed.push(`- ${key}`);
  return changed;
}

const prototypeNames = [
  "__proto__",
  "constructor",
  "toString",
  "hasOwnProperty",
  "valueOf",
  "prototype",
  "__defineGetter__",
  "isPrototypeOf",
];
const knownNames = ["q4", "constructorless", "leads", "sf", "hubspot"];

/** A URL path segment: known, prototype, odd or arbitrary text, URL-encoded. */
const segment = fc
  .oneof(
    { weight: 3, arbitrary: fc.constantFrom(...prototypeNames, ...knownNames) },
    {
      weight: 1,
      arbitrary: fc.constantFrom("", ".", "..", "a".repeat(80), "q4%00", "%2F", "{t}", "*", "q4\n"),
    },
    { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 20 }) },
  )
  .map((text) => encodeURIComponent(text));

const leadKeyText = fc.oneof(
  fc.constantFrom(
    "sf/Lead/__proto__",
    "__proto__/Lead/1",
    "sf/constructor/x",
    "constructor/Lead/x",
    "sf/Lead/00Q000000000000AAA",
    "toString/toString/toString",
    "sf//",
  ),
  fc
    .tuple(
      fc.constantFrom(...prototypeNames, "sf"),
      fc.string({ maxLength: 10 }),
      fc.string({ maxLength: 20 }),
    )
    .map((parts) => parts.join("/")),
  fc.string({ maxLength: 320 }),
);

describe("hostile input over every route", () => {
  let h: Harness;
  let app: FastifyInstance;
  let redis: Redis;
  let url: string;
  let prefix: string;
  const leaseIds: string[] = [];

  beforeAll(async () => {
    const u = new URL(redisUrl());
    u.pathname = `/${fuzzDb}`;
    url = u.toString();
    h = await startHarness({
      leads: 5,
      // No background writers: API role only, no stalled-lease sweeps during the run.
      service: { role: "api", stalledIntervalMs: 3_600_000 },
      configure: (input) => ({
        ...input,
        redis: { ...input.redis, url },
        campaigns: { ...input.campaigns, constructorless: {} },
        api: {
          ...input.api,
          keys: [...(input.api?.keys ?? []), { name: "fuzz-dialer", key: dialerKey, scopes: ["dialer"] }],
        },
      }),
    });
    prefix = h.telesync.prefix;
    app = h.service.api as FastifyInstance;
    redis = new Redis(url);
    // Create the lease workers up front (their first stalled sweep writes a key).
    for (const campaign of ["q4", "constructorless"]) {
      await app.inject({ method: "POST", url: `/v1/campaigns/${campaign}/leases`, headers: auth(apiKey) });
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  });
  afterAll(async () => {
    redis?.disconnect();
    await h?.close();
    if (prefix) await dropPrefix(url, prefix);
  });

  const auth = (key: string | undefined): Record<string, string> =>
    key === undefined ? {} : { authorization: `Bearer ${key}` };

  const snapshot = async (): Promise<Snapshot> => {
    const lines = (await redis.eval(snapshotScript, 0, `${prefix}*`)) as string[];
    return new Map(
      lines.map((line) => {
        const [key, hash, flag] = line.split(" ") as [string, string, string];
        return [key, { hash, volatile: flag === "v" }];
      }),
    );
  };

  // Generous timeout for a loaded machine; on an idle one the run takes a few seconds.
  it(`answers ${runs.toLocaleString("en")} hostile requests without a 5xx, and no rejected one writes`, {
    timeout: 300_000,
  }, async () => {
    const leaseId = fc.oneof(
      segment,
      fc
        .record({
          campaign: fc.constantFrom(...prototypeNames, ...knownNames),
          jobId: fc.oneof(leadKeyText, fc.constant("")),
          token: fc.uuid(),
        })
        .map((ref) => encodeLeaseId(ref)),
      // A lease really handed out in this run (if any): hostile bodies against a live lease.
      fc.nat().map((n) => leaseIds[n % Math.max(1, leaseIds.length)] ?? "none"),
    );
    const outcome = fc.record(
      {
        outcomeId: fc.oneof(fc.uuid(), fc.constantFrom(...prototypeNames), fc.string()),
        disposition: fc.oneof(fc.constantFrom("connected", "no_answer", ...prototypeNames), fc.string()),
        startedAt: fc.oneof(fc.constant("2026-11-28T15:04:05.000Z"), fc.string()),
        durationSec: fc.oneof(fc.integer({ min: -5, max: 90_000 }), fc.double()),
        agent: fc.oneof(fc.record({ id: fc.constantFrom("agent-7", ...prototypeNames) }), fc.jsonValue()),
        callbackAt: fc.oneof(fc.constant("2026-12-01T15:00:00Z"), fc.string()),
        consent: fc.oneof(fc.constant({ phone: "revoked" }), fc.jsonValue()),
      },
      { requiredKeys: ["outcomeId", "disposition", "startedAt", "durationSec"] },
    );
    const consent = fc.record(
      {
        leadKey: leadKeyText,
        phone: fc.oneof(
          fc.constantFrom("+14155550123", "(212) 555-0187", "__proto__"),
          fc.string({ maxLength: 20 }),
        ),
        status: fc.constantFrom("opted_out", "opted_in", "__proto__", "constructor"),
        source: fc.constantFrom("agent", "crm", "inbound", "api", "toString"),
        evidence: fc.oneof(
          fc.constant({
            source: "form",
            who: "lead",
            when: "2026-11-01T00:00:00Z",
            basis: "written consent",
          }),
          fc.jsonValue(),
        ),
        overrideInternalDnc: fc.oneof(fc.boolean(), fc.jsonValue()),
      },
      { requiredKeys: [] },
    );
    const body = fc.oneof(
      { weight: 2, arbitrary: fc.constant(undefined) },
      { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
      { weight: 1, arbitrary: fc.string({ maxLength: 60 }).map((text) => ({ raw: text })) },
      {
        weight: 1,
        arbitrary: fc.constant({ raw: '{"__proto__":{"polluted":true},"constructor":{"prototype":{}}}' }),
      },
    );
    const request = fc.oneof(
      fc.record({ method: fc.constant("POST"), path: segment.map((c) => `/v1/campaigns/${c}/leases`), body }),
      fc.record({
        method: fc.constant("POST"),
        path: fc
          .tuple(leaseId, fc.constantFrom("extend", "release"))
          .map(([id, op]) => `/v1/leases/${id}/${op}`),
        body,
      }),
      fc.record({
        method: fc.constant("POST"),
        path: leaseId.map((id) => `/v1/leases/${id}/outcome`),
        body: fc.oneof(outcome, body),
      }),
      fc.record({
        method: fc.constant("POST"),
        path: fc.constant("/v1/consent"),
        body: fc.oneof(consent, body),
      }),
      fc.record({
        method: fc.constantFrom("GET", "POST"),
        path: segment.map((c) => `/v1/campaigns/${c}/stats`),
        body,
      }),
      fc.record({
        method: fc.constantFrom("GET", "POST"),
        path: fc.tuple(segment, fc.constantFrom("runs", "sync")).map(([s, op]) => `/v1/sources/${s}/${op}`),
        body,
      }),
      fc.record({
        method: fc.constant("GET"),
        path: leadKeyText.map((key) => `/v1/leads/${encodeURIComponent(key)}/decisions`),
        body: fc.constant(undefined),
      }),
      fc.record({ method: fc.constant("POST"), path: segment.map((i) => `/webhooks/hubspot/${i}`), body }),
      fc.record({
        method: fc.constantFrom("GET", "POST", "PUT", "DELETE"),
        path: fc.constantFrom("/healthz", "/metrics", "/v1/dead-letters", "/v1/__proto__", "/constructor"),
        body,
      }),
    );
    const caller = fc.constantFrom<string | undefined>(
      apiKey,
      apiKey,
      dialerKey,
      dialerKey,
      undefined,
      "wrong-key-0123456789abc",
    );

    // Snapshots are the cost (one Lua call each): a request that cannot succeed (no valid key, or no
    // resource that exists) is checked together with the next ones; any other is checked alone.
    let baseline = await snapshot();
    let pending: string[] = [];
    let unpredicted = 0;
    const check = async () => {
      const after = await snapshot();
      expect(changes(baseline, after), `rejected requests changed Redis:\n${pending.join("\n")}`).toEqual([]);
      baseline = after;
      pending = [];
    };
    const mayPass = (path: string, key: string | undefined): boolean =>
      path === "/healthz" ||
      ((key === apiKey || key === dialerKey) &&
        /^\/(metrics|v1\/dead-letters|v1\/consent|v1\/leads\/|v1\/leases\/|v1\/campaigns\/(q4|constructorless)\/|v1\/sources\/leads\/)/.test(
          path,
        ));
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, caller, async (req, key) => {
        const raw = req.body as unknown;
        const isRaw = raw !== null && typeof raw === "object" && !Array.isArray(raw) && "raw" in raw;
        const payload =
          raw === undefined ? undefined : isRaw ? String((raw as { raw: unknown }).raw) : JSON.stringify(raw);
        const predicted = mayPass(req.path, key);
        if (predicted && pending.length > 0) await check();
        const response = await app.inject({
          method: req.method as "GET" | "POST",
          url: req.path,
          headers: { ...auth(key), ...(payload === undefined ? {} : { "content-type": "application/json" }) },
          ...(payload === undefined ? {} : { payload }),
        });
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        expect(response.statusCode, `${req.method} ${req.path} → ${response.body}`).toBeLessThan(500);
        if (response.statusCode < 400) {
          if (req.path.endsWith("/leases") && response.statusCode === 200) {
            leaseIds.push((response.json() as { leaseId: string }).leaseId);
          }
          if (!predicted) unpredicted++;
          baseline = await snapshot();
          pending = [];
          return;
        }
        pending.push(`${req.method} ${req.path} ${payload ?? ""} → ${response.statusCode}`);
        if (predicted) await check();
      }),
      { numRuns: runs, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31) },
    );
    await check();
    expect(unpredicted, "a request predicted to fail succeeded: its batch went unchecked").toBe(0);
    // The run reached past the front door: every family of answer occurred.
    const seen = [...statuses.keys()];
    for (const status of [200, 204, 400, 401, 403, 404]) expect(seen).toContain(status);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });
});
