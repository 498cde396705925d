import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

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

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
