import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertLeads } from "../compliance-gate/support.js";
import { eventually, type Harness, outcomeBody, startHarness } from "../support/harness.js";

/** The value of one sample in a Prometheus text exposition, or undefined when it is absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split("\n")) {
    if (line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = (match[3] ?? "").split(",").filter(Boolean);
    if (wanted.every((w) => have.includes(w)) && have.length === wanted.length) return Number(match[4]);
  }
  return undefined;
}

describe("/metrics an operator alerts on", () => {
  let h: Harness;
  let clock = Date.parse("2026-12-08T15:00:00Z");
  const scrape = async () => (await h.call("GET", "/metrics")).text();

  beforeAll(async () => {
    h = await startHarness({
      now: () => new Date(clock),
      seed: (sandbox) => [
        ...insertLeads(sandbox, [
          { name: "One", phone: "(212) 555-0102", state: "NY" },
          { name: "Two", phone: "(312) 555-0104", state: "IL" },
          { name: "Three", phone: "(303) 555-0105", state: "CO" },
        ]).values(),
      ],
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("leads waiting / held / leased per campaign", async () => {
    let text = await scrape();
    expect(sample(text, "telesync_campaign_leads", { campaign: "q4", state: "waiting" })).toBe(3);
    expect(sample(text, "telesync_campaign_leads", { campaign: "q4", state: "held" })).toBe(0);
    expect(sample(text, "telesync_campaign_leads", { campaign: "q4", state: "leased" })).toBe(0);
    expect((await h.call("POST", "/v1/campaigns/q4/leases")).status).toBe(200);
    text = await scrape();
    expect(sample(text, "telesync_campaign_leads", { campaign: "q4", state: "waiting" })).toBe(2);
    expect(sample(text, "telesync_campaign_leads", { campaign: "q4", state: "leased" })).toBe(1);
  });

  it("sync lag and last success per source, on telesync's clock", async () => {
    const [run] = await h.telesync.syncState("leads").history(1);
    if (!run) throw new Error("the harness's sync left no run record");
    // 90 minutes after the run started, nothing newer was pulled: lag 5,400 s.
    clock = Date.parse(run.startedAt) + 90 * 60_000;
    const text = await scrape();
    expect(sample(text, "telesync_sync_lag_seconds", { source: "leads" })).toBe(5_400);
    expect(sample(text, "telesync_sync_last_success_timestamp_seconds", { source: "leads" })).toBe(
      Date.parse(run.finishedAt) / 1000,
    );
    expect(sample(text, "telesync_sync_last_run_failed", { source: "leads" })).toBe(0);
  });

  it("CRM requests and 429s per integration, rate budget left, writeback batch sizes, dead letters", async () => {
    // One 429 (Retry-After 1 s) on the next Task create, then the CRM answers.
    h.sandbox.salesforce.injectFault({
      kind: "rate-limit",
      status: 429,
      retryAfterSeconds: 1,
      count: 1,
      match: "composite-create",
    });
    const lease = (await (await h.call("POST", "/v1/campaigns/q4/leases")).json()) as { leaseId: string };
    expect(
      (await h.call("POST", `/v1/leases/${lease.leaseId}/outcome`, outcomeBody("metrics-1"))).status,
    ).toBe(202);
    await eventually(
      async () =>
        ((await (await h.call("GET", "/v1/outcomes/metrics-1")).json()) as { state?: string }).state ===
        "written",
      30_000,
      "the outcome written to the CRM",
    );
    const text = await scrape();
    expect(sample(text, "telesync_crm_requests_total", { integration: "sf", outcome: "rate-limited" })).toBe(
      1,
    );
    expect(
      sample(text, "telesync_crm_requests_total", { integration: "sf", outcome: "ok" }),
    ).toBeGreaterThanOrEqual(1);
    // One outcome: one batch of one record, sent twice (the 429, then the write).
    expect(
      sample(text, "telesync_writeback_batch_size_count", { integration: "sf", kind: "activities" }),
    ).toBe(2);
    expect(sample(text, "telesync_writeback_batch_size_sum", { integration: "sf", kind: "activities" })).toBe(
      2,
    );
    // The sandbox's daily allowance (Sforce-Limit-Info api-usage=used/100000, its documented default).
    expect(sample(text, "telesync_crm_rate_budget_limit", { integration: "sf", window: "daily" })).toBe(
      100_000,
    );
    expect(
      sample(text, "telesync_crm_rate_budget_remaining", { integration: "sf", window: "daily" }),
    ).toBeLessThan(100_000);
    expect(sample(text, "telesync_dead_letters")).toBe(0);
  });
});
