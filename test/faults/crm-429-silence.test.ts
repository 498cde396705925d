import { afterEach, describe, expect, it } from "vitest";
import { eventually, outcomeBody } from "../support/harness.js";
import { type CrmScenario, startCrmScenario, type Vendor } from "./crm-scenario.js";
import { faultsSize, leadLedger, outcomeLedger, report, workOutcomes } from "./support.js";

/**
 * The storm's `Retry-After` (RFC 9110 §10.2.3: seconds the client ought to wait). The oracle for
 * "retries respect it": telesync's pause, as /healthz shows it, must be of this order (not a 1 s
 * backoff), and no write may reach the CRM while that pause runs.
 */
const retryAfterSeconds = 8;

interface Health {
  status: string;
  down: string[];
  checks: {
    writeback: Record<string, { status: string; rateLimitedForMs: number }>;
    pausedIntegrations?: Record<string, { until: string; reason: string }>;
  };
}

describe.each<Vendor>(["salesforce", "hubspot"])("fault: %s 429 storm, then silence", (vendor) => {
  let s: CrmScenario;
  afterEach(async () => {
    await s?.close();
  });

  it("honours Retry-After (no write while paused), opens the breaker on hung requests, says so; every outcome once", async () => {
    s = await startCrmScenario({
      vendor,
      leads: faultsSize,
      // Requests that hang give up after 1 s (seconds, not minutes), so the breaker sees them.
      configure: (input) => {
        const id = vendor === "salesforce" ? "sf" : "hs";
        const integration = input.integrations[id];
        if (integration) Object.assign(integration, { requestTimeoutMs: 1_000 });
        // This sandbox's search index does not lag (its index delay is 0): an ambiguous HubSpot
        // create's lookup may be trusted after a second, not the production default's minute.
        if (integration?.vendor === "hubspot") Object.assign(integration, { searchIndexLagMs: 1_000 });
        return input;
      },
      service: {
        writeback: { breaker: { failureThreshold: 3, openMs: 1_000, probeTimeoutMs: 5_000 } },
      },
    });
    const health = async () => (await (await s.call("GET", "/healthz")).json()) as Health;
    const { sandbox } = s;
    // Writes answered 429 so far: each storm request consumes one injected 429.
    const rateLimited = () =>
      vendor === "salesforce"
        ? sandbox.salesforce.stats()["composite-create"]
        : (sandbox.hubspot.stats().faults["rate-limit"] ?? 0);
    /** How long telesync says it waits for the CRM's rate limit (ms), 0 when it does not. */
    const pausedForMs = (h: Health) => {
      if (vendor === "salesforce") return h.checks.writeback.sf?.rateLimitedForMs ?? 0;
      const until = h.checks.pausedIntegrations?.hs?.until;
      return until ? Date.parse(until) - Date.now() : 0;
    };

    // 1. A 429 storm on the writes, every write request refused until it is called off.
    const before = rateLimited();
    if (vendor === "salesforce")
      sandbox.salesforce.injectFault({
        kind: "rate-limit",
        status: 429,
        retryAfterSeconds,
        count: 100_000,
        match: "composite-create",
      });
    else
      sandbox.hubspot.injectFault({
        kind: "rate-limit",
        retryAfterMs: retryAfterSeconds * 1000,
        count: 100_000,
        match: { kind: "calls.batchCreate" },
      });
    const half = Math.floor(faultsSize / 2);
    const posted = await workOutcomes(s.call, half, "storm", (id) => outcomeBody(id));
    // The CRM's wait, not a backoff of its own: each 429 of the storm starts a pause of the full
    // Retry-After (pauses only ever extend), so /healthz soon shows more than 6 of its 8 s to run.
    await eventually(
      async () => pausedForMs(await health()) > retryAfterSeconds * 1000 - 2_000,
      60_000,
      "/healthz shows a pause of the CRM's Retry-After",
    );
    const paused = await health();
    expect(paused.status).toBe("degraded");
    expect(pausedForMs(paused)).toBeLessThanOrEqual(retryAfterSeconds * 1000 + 1_000);
    // Requests sent before the pause began may still be arriving: let them land (1 s), then count
    // over 1 s more, all inside the pause seen above (> 6 s from then): no request may go out.
    await new Promise((r) => setTimeout(r, 1_000));
    const during = rateLimited();
    await new Promise((r) => setTimeout(r, 1_000));
    const later = rateLimited();
    expect(later).toBe(during);
    const stormRequests = later - before;
    expect(s.logs().some((l) => /rate limit|429/i.test(String(l.msg)))).toBe(true);
    sandbox.salesforce.clearFaults();
    sandbox.hubspot.clearFaults();

    // 2. Silence: every write request hangs (never answered, never applied) until the breaker has
    // opened; then the CRM answers again.
    const writes = () =>
      vendor === "salesforce"
        ? sandbox.salesforce.stats()["composite-create"]
        : (sandbox.hubspot.stats().faults.timeout ?? 0);
    const silentFrom = writes();
    if (vendor === "salesforce")
      sandbox.salesforce.injectFault({ kind: "timeout", count: 100_000, match: "composite-create" });
    else
      sandbox.hubspot.injectFault({
        kind: "timeout",
        delayMs: 120_000,
        count: 100_000,
        match: { kind: "calls.batchCreate" },
      });
    posted.push(...(await workOutcomes(s.call, faultsSize - half, "silence", (id) => outcomeBody(id))));
    await eventually(
      async () => (await health()).down.includes(`crm:${s.integration}`),
      120_000,
      "/healthz: the CRM is down (breaker open)",
    );
    expect((await health()).status).toBe("degraded");
    const hung = writes() - silentFrom;
    sandbox.salesforce.clearFaults();
    sandbox.hubspot.clearFaults();
    await eventually(s.drained, 180_000, "writeback drained");
    await eventually(async () => (await health()).status === "ok", 30_000, "/healthz ok again");
    const breakerLines = s.logs().filter((l) => /circuit breaker/.test(String(l.msg)));
    expect(breakerLines.some((l) => /open/.test(String(l.msg)))).toBe(true);
    expect(breakerLines.some((l) => /closed/.test(String(l.msg)))).toBe(true);

    const outcomes = await outcomeLedger(posted, s.outcomeIdsInCrm(), s.service.deadLetters);
    const leads = await leadLedger(s.telesync.dialQueues.get("q4").queue, s.leadKeys);
    expect(outcomes).toEqual({ duplicates: 0, losses: 0, deadLettered: 0 });
    expect(leads).toEqual({ duplicates: 0, losses: 0 });
    report({
      scenario: `${vendor} 429 storm (Retry-After ${retryAfterSeconds} s) then silence`,
      leads: s.leadKeys.length,
      outcomes: posted.length,
      faults: [
        `${stormRequests} write requests answered 429`,
        `${hung} write requests hung (until the breaker opened)`,
      ],
      duplicates: outcomes.duplicates + leads.duplicates,
      losses: outcomes.losses + leads.losses,
      deadLettered: outcomes.deadLettered,
    });
  }, 300_000);
});
