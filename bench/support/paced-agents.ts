/**
 * The lease benchmark's paced phase. In a closed loop of N always-busy agents, Little's law fixes
 * the latency at N / throughput (200 agents need 8,000 requests/s for a 25 ms p99), so a closed
 * loop measures capacity, not what one dialer waits. Here each agent leases, holds the call for a
 * random few hundred ms (a real call's minutes, compressed), then posts the outcome: the offered
 * rate is set by the holds, and the lease latency is the service's answer time at that load. The
 * trivial route gets the same paced load (request, hold, request) in the same run.
 */
import { runAgents } from "./agents.js";
import { type Comparison, compare, type Figure, latencySummary, round } from "./common.js";
import { httpRequests } from "./lease-loops.js";
import type { ServiceProcess } from "./service-process.js";

export interface PacedOptions {
  service: ServiceProcess;
  routeUrl: string;
  apiKey: string;
  campaign: string;
  disposition: (n: number) => string;
  agents: number;
  /** Lease cycles in the phase. */
  leases: number;
  /** Each call's hold between lease and outcome, uniformly random in [min, max] ms. */
  holdMs: readonly [number, number];
}

export async function pacedPhase(
  options: PacedOptions,
): Promise<{ figures: Record<string, Figure>; comparisons: Comparison[] }> {
  const { agents, holdMs } = options;
  const label = `${agents} paced agents (hold ${holdMs[0]}–${holdMs[1]} ms)`;
  await options.service.usage(); // resets the service's event-loop delay histogram
  const http = await runAgents({
    url: options.service.url,
    apiKey: options.apiKey,
    campaign: options.campaign,
    agents,
    leases: options.leases,
    releaseEvery: 0,
    disposition: options.disposition,
    holdMs,
  });
  const seconds = (http.finishedAt - http.startedAt) / 1000;
  const loop = (await options.service.usage()).loopDelayMs;
  const route = await httpRequests(options.routeUrl, "/v1/ping", agents, options.leases, { holdMs });
  const lease = latencySummary(http.latency.lease);
  const outcome = latencySummary(http.latency.outcome);
  const ping = latencySummary(route.latency);
  // What the agents would send if every answer were instant: one lease and one outcome per hold.
  const offered = agents / ((holdMs[0] + holdMs[1]) / 2 / 1000);
  const figures: Record<string, Figure> = {
    [`${label}: offered leases/s if answers took no time`]: Math.round(offered),
    [`${label}: HTTP leases/s achieved`]: Math.round(http.leases / seconds),
    [`${label}: achieved ÷ offered`]: round(http.leases / seconds / offered, 2),
    [`${label}: HTTP requests/s achieved (lease + outcome)`]: Math.round(
      (http.leases + http.outcomes) / seconds,
    ),
    [`${label}: HTTP lease p50/p95/p99 ms`]: `${lease.p50} / ${lease.p95} / ${lease.p99}`,
    [`${label}: HTTP outcome p50/p99 ms`]: `${outcome.p50} / ${outcome.p99}`,
    // The service's own stalls: a timer or GC holding the loop shows here, not in the route's figures.
    [`${label}: service event-loop delay p50/p99/max ms`]: loop
      ? `${round(loop.p50, 1)} / ${round(loop.p99, 1)} / ${round(loop.max, 1)}`
      : "n/a",
    [`${label}: trivial route cycles/s achieved (request, hold, request)`]: Math.round(
      route.cycles / route.seconds,
    ),
    [`${label}: trivial route first request p50/p95/p99 ms`]: `${ping.p50} / ${ping.p95} / ${ping.p99}`,
  };
  const comparisons = [
    compare({
      figure: `lease p99 over HTTP, ${label}`,
      unit: "ms",
      value: lease.p99 ?? Number.NaN,
      baseline: "trivial Fastify route doing one Redis GET, same paced clients (request, hold, request)",
      baselineValue: ping.p99 ?? Number.NaN,
      better: "lower",
      target: "≤ 25 ms at 200 agents on an idle core (ratio shown vs the route)",
      maxValue: 25,
    }),
    compare({
      figure: `lease p50 over HTTP, ${label}`,
      unit: "ms",
      value: lease.p50 ?? Number.NaN,
      baseline: "trivial route p50, same paced clients",
      baselineValue: ping.p50 ?? Number.NaN,
      better: "lower",
    }),
  ];
  return { figures, comparisons };
}
