/**
 * Scale-out: N API processes and N worker processes (`TelesyncService` with role "api" / "worker",
 * what `telesync run --role api|worker` starts) on a Redis Cluster of 1 or 3 masters started here
 * (`redis-server --cluster-enabled yes`, see src/runtime/local-cluster.ts), for N = 1, 2, 4.
 * Per layout: 4 campaigns synced from the sandbox (same Leads, one source each), agents spread over
 * every API process and campaign lease → outcome until each campaign is empty; measured:
 * - leases/s: first lease request → last outcome answered (the API processes' work);
 * - writeback outcomes/s: first outcome POST → last Task stored in the sandbox (the workers' work,
 *   batch window 2 s included).
 * Baseline: 1 API + 1 worker process on a 1-master cluster, same run. The key prefix has no hash tag,
 * so each campaign, integration and global family is its own slot (docs/operations.md).
 *
 *   npm run build && node build/bench/run.js scale [--scale-outcomes 1200] [--scale-agents 16]
 */
import { randomBytes } from "node:crypto";
import { configSchema } from "../src/config/schema.js";
import { LocalCluster } from "../src/runtime/local-cluster.js";
import { createTelesync } from "../src/runtime/telesync.js";
import { type AgentsRun, runAgents } from "./support/agents.js";
import {
  type BenchResult,
  businessHoursOffset,
  type Comparison,
  clockLabel,
  compare,
  latencySummary,
  offsetClock,
  round,
  waitFor,
} from "./support/common.js";
import { benchApiKey, salesforceBenchConfig } from "./support/configs.js";
import { type SandboxProcess, startSandboxProcess } from "./support/sandbox-process.js";
import { type ServiceProcess, startServiceProcess } from "./support/service-process.js";

export interface ScaleOutOptions {
  /** Outcomes per layout, over 4 campaigns (default 1,200). */
  outcomes?: number;
  /** Concurrent HTTP agents per layout (default 16). */
  agents?: number;
  processes?: readonly number[];
  masters?: readonly number[];
}

const campaigns = ["c1", "c2", "c3", "c4"] as const;

interface LayoutFigures {
  masters: number;
  processes: number;
  outcomes: number;
  leasesPerSecond: number;
  writebackPerSecond: number;
  leaseP50: number;
  leaseP99: number;
  mastersWithKeys: number;
}

/** The bench config with 4 campaigns on one Salesforce integration, on the cluster, untagged prefix. */
function scaleConfig(sandboxUrl: string, cluster: LocalCluster, prefix: string): Record<string, unknown> {
  const base = salesforceBenchConfig(sandboxUrl, cluster.url, prefix) as Record<string, unknown> & {
    sources: Array<Record<string, unknown>>;
    campaigns: Record<string, unknown>;
  };
  const [source] = base.sources;
  // Registry screening has its own tests and benchmark; here every sandbox lead must be leasable.
  const policy = {
    ...(base.campaigns.bench as object),
    compliance: {
      requiredRegistries: "none",
      unscreenedReason: "scale-out benchmark: registry screening is measured elsewhere",
    },
  };
  return {
    ...base,
    redis: { url: cluster.url, prefix, cluster: true },
    sources: campaigns.map((campaign) => ({ ...source, id: `leads_${campaign}`, campaign })),
    campaigns: Object.fromEntries(campaigns.map((campaign) => [campaign, policy])),
  };
}

async function runLayout(
  sandbox: SandboxProcess,
  cluster: LocalCluster,
  processes: number,
  outcomesWanted: number,
  agents: number,
  offsetMs: number,
): Promise<LayoutFigures> {
  const perCampaign = Math.ceil(outcomesWanted / campaigns.length);
  const prefix = `telesync-scale-${randomBytes(4).toString("hex")}`;
  const services: ServiceProcess[] = [];
  try {
    const raw = scaleConfig(sandbox.url, cluster, prefix);
    const telesync = createTelesync({ config: configSchema.parse(raw), now: offsetClock(offsetMs) });
    for (const campaign of campaigns) await telesync.sync(`leads_${campaign}`);
    let waiting = 0;
    for (const campaign of campaigns)
      waiting += await telesync.dialQueues.get(campaign).queue.getWaitingCount();
    await telesync.close();
    if (waiting === 0) throw new Error("nothing to lease after the sync (every lead held or blocked)");

    const started = await Promise.all([
      ...Array.from({ length: processes }, () => startServiceProcess({ config: raw, role: "api", offsetMs })),
      ...Array.from({ length: processes }, () =>
        startServiceProcess({ config: raw, role: "worker", offsetMs }),
      ),
    ]);
    services.push(...started);
    const apis = started.filter((service) => service.url !== "");
    const before = await sandbox.state();
    // One agent group per (API process, campaign), agents shared out evenly, each group until its
    // campaign is empty (the leases cap is the campaign's size).
    const groups = apis.flatMap((api) => campaigns.map((campaign) => ({ url: api.url, campaign })));
    const perGroup = Math.max(1, Math.round(agents / groups.length));
    const runs: AgentsRun[] = await Promise.all(
      groups.map(({ url, campaign }) =>
        runAgents({
          url,
          apiKey: benchApiKey,
          campaign,
          agents: perGroup,
          leases: perCampaign,
          // A Task only (no Lead update), so the same Leads are open again for the next layout.
          disposition: () => "no_answer",
        }),
      ),
    );
    const outcomes = runs.reduce((sum, run) => sum + run.outcomes, 0);
    const firstLease = Math.min(...runs.map((run) => run.startedAt));
    const lastOutcome = Math.max(...runs.map((run) => run.lastOutcomeAt?.perf ?? 0));
    const firstOutcomeWall = Math.min(
      ...runs.map((run) => run.firstOutcomeAt?.wall ?? Number.POSITIVE_INFINITY),
    );
    const done = await waitFor(
      async () => {
        const state = await sandbox.state();
        return state && state.tasks - before.tasks >= outcomes ? state : undefined;
      },
      `${outcomes} Tasks in the sandbox`,
      120_000,
      100,
    );
    const leaseLatency = latencySummary(runs.flatMap((run) => run.latency.lease));
    const byNode = await cluster.keysByNode(prefix);
    return {
      masters: cluster.ports.length,
      processes,
      outcomes,
      leasesPerSecond: Math.round(outcomes / ((lastOutcome - firstLease) / 1000)),
      writebackPerSecond: Math.round(
        outcomes / (((done.lastTaskAt ?? Date.now()) - firstOutcomeWall) / 1000),
      ),
      leaseP50: leaseLatency.p50 ?? 0,
      leaseP99: leaseLatency.p99 ?? 0,
      mastersWithKeys: [...byNode.values()].filter((keys) => keys.length > 0).length,
    };
  } finally {
    await Promise.all(services.map((service) => service.stop()));
  }
}

export async function scaleOutBench(options: ScaleOutOptions = {}): Promise<BenchResult> {
  const outcomes = options.outcomes ?? 1_200;
  const agents = options.agents ?? 16;
  const processCounts = options.processes ?? [1, 2, 4];
  const masterCounts = options.masters ?? [1, 3];
  const offsetMs = businessHoursOffset();
  const layouts: LayoutFigures[] = [];
  const sandbox = await startSandboxProcess({ leads: Math.ceil(outcomes / campaigns.length) });
  try {
    for (const masters of masterCounts) {
      const cluster = await LocalCluster.start(masters);
      try {
        for (const processes of processCounts)
          layouts.push(await runLayout(sandbox, cluster, processes, outcomes, agents, offsetMs));
      } finally {
        await cluster.stop();
      }
    }
  } finally {
    await sandbox.stop();
  }
  const baseline = layouts[0];
  if (!baseline) throw new Error("no layout ran");
  const label = (l: LayoutFigures) =>
    `${l.processes} API + ${l.processes} worker processes, ${l.masters} master${l.masters > 1 ? "s" : ""}`;
  const baselineLabel = label(baseline);
  const comparisons: Comparison[] = layouts.slice(1).flatMap((layout) => [
    compare({
      figure: `leases/s, ${label(layout)}`,
      unit: "leases/s",
      value: layout.leasesPerSecond,
      baseline: baselineLabel,
      baselineValue: baseline.leasesPerSecond,
      better: "higher",
    }),
    compare({
      figure: `writeback outcomes/s, ${label(layout)}`,
      unit: "outcomes/s",
      value: layout.writebackPerSecond,
      baseline: baselineLabel,
      baselineValue: baseline.writebackPerSecond,
      better: "higher",
    }),
  ]);
  const figures: Record<string, number> = {};
  for (const layout of layouts) {
    const name = `${layout.processes}p/${layout.masters}m`;
    figures[`${name} leases/s`] = layout.leasesPerSecond;
    figures[`${name} writeback outcomes/s`] = layout.writebackPerSecond;
    figures[`${name} lease p50 ms`] = round(layout.leaseP50, 1);
    figures[`${name} lease p99 ms`] = round(layout.leaseP99, 1);
    figures[`${name} masters holding keys`] = layout.mastersWithKeys;
  }
  const clock = clockLabel(offsetMs);
  return {
    name: "scale-out (processes × cluster masters)",
    command: `node build/bench/run.js scale --scale-outcomes ${outcomes} --scale-agents ${agents}`,
    sandbox:
      "child process per layout (bench/support/sandbox-child.ts), seeded with the Leads of one campaign",
    layout: `N API + N worker processes (bench/support/service-child.ts, role api / worker), N = ${processCounts.join(", ")}; Redis Cluster of ${masterCounts.join(" or ")} masters started by the benchmark; ${agents} HTTP agents in the benchmark process over 4 campaigns; ${outcomes} outcomes per layout; ${clock}`,
    figures,
    comparisons,
    clock,
    headline: Object.keys(figures)
      .filter((name) => name.endsWith("leases/s"))
      .slice(0, 3),
    notes: [
      "leases/s: first lease request → last outcome answered; writeback outcomes/s: first outcome POST → last Task stored (2 s batch window included)",
      "every process shares the machine's cores with Redis, the sandbox and the agents: on a 2-core machine more processes contend for the same CPU, so the ratios show the overhead of the layout, not a bigger machine's headroom",
    ],
  };
}
