import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** What the writeback gauges show of an integration (the writeback's own status has more). */
export interface WritebackGauges {
  backlog: number;
  oldestAgeMs: number | null;
  breaker: { state: "closed" | "half-open" | "open"; opens: number };
  /** Present while the CRM refuses the integration's credentials. */
  auth?: unknown;
}

const breakerStates = { closed: 0, "half-open": 1, open: 2 } as const;

/** Prometheus metrics of one process; `/metrics` serves `registry`. */
export class Metrics {
  readonly registry = new Registry();
  readonly leases = new Counter({
    name: "telesync_leases_total",
    help: "Lease requests by campaign and result (leased, empty)",
    labelNames: ["campaign", "result"] as const,
    registers: [this.registry],
  });
  readonly leaseLatency = new Histogram({
    name: "telesync_lease_seconds",
    help: "Time to answer a lease request",
    labelNames: ["campaign"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });
  readonly outcomes = new Counter({
    name: "telesync_outcomes_total",
    help: "Outcomes accepted by campaign and disposition",
    labelNames: ["campaign", "disposition"] as const,
    registers: [this.registry],
  });
  readonly complianceFlags = new Counter({
    name: "telesync_outcome_compliance_flags_total",
    help: "Outcomes accepted and written to the CRM although the call broke a rule, by campaign and kind",
    labelNames: ["campaign", "kind"] as const,
    registers: [this.registry],
  });
  readonly consent = new Counter({
    name: "telesync_consent_changes_total",
    help: "Consent changes by status",
    labelNames: ["status"] as const,
    registers: [this.registry],
  });
  readonly queueJobs = new Gauge({
    name: "telesync_queue_jobs",
    help: "Jobs per queue and state (refreshed on scrape)",
    labelNames: ["queue", "state"] as const,
    registers: [this.registry],
  });

  readonly breakerState = new Gauge({
    name: "telesync_crm_breaker_state",
    help: "CRM circuit breaker per integration: 0 closed, 1 half-open (probing), 2 open (writeback paused)",
    labelNames: ["integration"] as const,
    registers: [this.registry],
  });
  readonly breakerOpens = new Gauge({
    name: "telesync_crm_breaker_opens",
    help: "Times the integration's CRM circuit breaker opened (cumulative, shared by all workers)",
    labelNames: ["integration"] as const,
    registers: [this.registry],
  });
  readonly authFailed = new Gauge({
    name: "telesync_crm_auth_failed",
    help: "1 while the CRM refuses the integration's credentials (writeback paused until they work), else 0",
    labelNames: ["integration"] as const,
    registers: [this.registry],
  });
  readonly writebackBacklog = new Gauge({
    name: "telesync_writeback_backlog",
    help: "Outcomes and consent changes not yet written to the CRM (waiting, retrying, in flight)",
    labelNames: ["integration"] as const,
    registers: [this.registry],
  });
  readonly writebackOldestAge = new Gauge({
    name: "telesync_writeback_oldest_age_seconds",
    help: "Age of the oldest outcome or consent change not yet written to the CRM (0 when none)",
    labelNames: ["integration"] as const,
    registers: [this.registry],
  });

  readonly campaignLeads = new Gauge({
    name: "telesync_campaign_leads",
    help: "Leads per campaign and state: waiting (callable now), held (until a time), leased (refreshed on scrape)",
    labelNames: ["campaign", "state"] as const,
    registers: [this.registry],
  });
  readonly syncLastSuccess = new Gauge({
    name: "telesync_sync_last_success_timestamp_seconds",
    help: "When the source's newest completed sync run finished (Unix seconds; absent before one)",
    labelNames: ["source"] as const,
    registers: [this.registry],
  });
  readonly syncLag = new Gauge({
    name: "telesync_sync_lag_seconds",
    help: "Now minus the start of the source's newest completed sync run: CRM changes older than this are in the queue",
    labelNames: ["source"] as const,
    registers: [this.registry],
  });
  readonly syncLastFailed = new Gauge({
    name: "telesync_sync_last_run_failed",
    help: "1 when the source's newest sync run failed or was interrupted, else 0",
    labelNames: ["source"] as const,
    registers: [this.registry],
  });
  readonly crmRequests = new Counter({
    name: "telesync_crm_requests_total",
    help: "Requests sent to the CRM by this process, per integration and outcome (ok, rate-limited, error)",
    labelNames: ["integration", "outcome"] as const,
    registers: [this.registry],
  });
  readonly rateBudgetRemaining = new Gauge({
    name: "telesync_crm_rate_budget_remaining",
    help: "Requests left in the integration's rate window (burst per 10 s, search per second, daily), shared by every worker",
    labelNames: ["integration", "window"] as const,
    registers: [this.registry],
  });
  readonly rateBudgetLimit = new Gauge({
    name: "telesync_crm_rate_budget_limit",
    help: "The size of the integration's rate window (what the CRM allows in it)",
    labelNames: ["integration", "window"] as const,
    registers: [this.registry],
  });
  readonly writebackBatchSize = new Histogram({
    name: "telesync_writeback_batch_size",
    help: "Records per CRM write request, by integration and kind (activities, consent)",
    labelNames: ["integration", "kind"] as const,
    buckets: [1, 2, 5, 10, 25, 50, 100, 200],
    registers: [this.registry],
  });
  readonly deadLetters = new Gauge({
    name: "telesync_dead_letters",
    help: "Writes the CRM refused for good, waiting in the dead-letter queue (refreshed on scrape)",
    registers: [this.registry],
  });

  /** Refresh the writeback gauges of one integration (on scrape: every worker shares the state). */
  writeback(integration: string, status: WritebackGauges): void {
    this.breakerState.set({ integration }, breakerStates[status.breaker.state]);
    this.breakerOpens.set({ integration }, status.breaker.opens);
    this.authFailed.set({ integration }, status.auth ? 1 : 0);
    this.writebackBacklog.set({ integration }, status.backlog);
    this.writebackOldestAge.set({ integration }, (status.oldestAgeMs ?? 0) / 1000);
  }

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
