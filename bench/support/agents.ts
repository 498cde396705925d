import { randomUUID } from "node:crypto";
import { Agent, request } from "node:http";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * Dialer agents on the HTTP API: each loops lease → (outcome | release). node:http with keep-alive
 * (lighter on the client side than fetch, which matters when the clients share the machine).
 */
export interface AgentsOptions {
  url: string;
  apiKey: string;
  campaign: string;
  agents: number;
  /** Stop after this many successful leases in total (or earlier when the queue is empty). */
  leases: number;
  /** Release every n-th lease instead of reporting an outcome (0 = never). */
  releaseEvery?: number;
  /** Disposition of the n-th outcome. */
  disposition: (n: number) => string;
  /**
   * Paced agents: each holds the call for a uniformly random [min, max] ms between its lease and its
   * outcome, and starts after a random wait in [0, max] (no synchronized first burst). Default: none
   * (a closed loop, each agent asking again as soon as it is answered).
   */
  holdMs?: readonly [number, number];
}

/** A random hold in [min, max] ms. */
export const holdFor = ([min, max]: readonly [number, number]) => min + Math.random() * (max - min);

export interface AgentsRun {
  leases: number;
  outcomes: number;
  releases: number;
  /** Lease requests answered 204 (nothing callable now). */
  empty: number;
  /** performance.now() / Date.now() of the first outcome POST sent and the last 202 received. */
  firstOutcomeAt: { perf: number; wall: number } | undefined;
  lastOutcomeAt: { perf: number; wall: number } | undefined;
  startedAt: number;
  finishedAt: number;
  /** Per request, ms (client-side: send to last byte). */
  latency: { lease: number[]; outcome: number[]; release: number[] };
}

interface Reply {
  status: number;
  body: string;
}

export function post(
  agent: Agent,
  url: string,
  path: string,
  apiKey: string,
  body?: unknown,
): Promise<Reply> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}${path}`,
      {
        method: "POST",
        agent,
        headers: {
          authorization: `Bearer ${apiKey}`,
          ...(payload === undefined
            ? {}
            : { "content-type": "application/json", "content-length": Buffer.byteLength(payload) }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

const notes = ["Asked for pricing", "Call back next quarter", "Wrong department", "Interested in a demo"];

export async function runAgents(options: AgentsOptions): Promise<AgentsRun> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.agents + 4 });
  const run: AgentsRun = {
    leases: 0,
    outcomes: 0,
    releases: 0,
    empty: 0,
    firstOutcomeAt: undefined,
    lastOutcomeAt: undefined,
    startedAt: performance.now(),
    finishedAt: 0,
    latency: { lease: [], outcome: [], release: [] },
  };
  let issued = 0;
  const releaseEvery = options.releaseEvery ?? 0;
  try {
    await Promise.all(
      Array.from({ length: options.agents }, async (_v, a) => {
        if (options.holdMs) await sleep(holdFor([0, options.holdMs[1]]));
        while (issued < options.leases) {
          issued++;
          let t0 = performance.now();
          const leased = await post(
            agent,
            options.url,
            `/v1/campaigns/${options.campaign}/leases`,
            options.apiKey,
          );
          run.latency.lease.push(performance.now() - t0);
          if (leased.status === 204) {
            run.empty++;
            issued--;
            return;
          }
          if (leased.status !== 200) throw new Error(`lease: HTTP ${leased.status} ${leased.body}`);
          const { leaseId } = JSON.parse(leased.body) as { leaseId: string };
          const n = ++run.leases;
          if (releaseEvery > 0 && n % releaseEvery === 0) {
            t0 = performance.now();
            const released = await post(agent, options.url, `/v1/leases/${leaseId}/release`, options.apiKey);
            run.latency.release.push(performance.now() - t0);
            if (released.status !== 204) throw new Error(`release: HTTP ${released.status} ${released.body}`);
            run.releases++;
            continue;
          }
          if (options.holdMs) await sleep(holdFor(options.holdMs));
          const disposition = options.disposition(n);
          const body = {
            outcomeId: randomUUID(),
            disposition,
            startedAt: new Date(Date.now() - 120_000).toISOString(),
            durationSec: disposition === "connected" ? 60 + (n % 240) : 0,
            direction: "outbound",
            agent: { id: `agent-${a + 1}` },
            notes: notes[n % notes.length],
          };
          t0 = performance.now();
          run.firstOutcomeAt ??= { perf: t0, wall: Date.now() };
          const reported = await post(
            agent,
            options.url,
            `/v1/leases/${leaseId}/outcome`,
            options.apiKey,
            body,
          );
          const t1 = performance.now();
          run.latency.outcome.push(t1 - t0);
          if (reported.status !== 202) throw new Error(`outcome: HTTP ${reported.status} ${reported.body}`);
          run.outcomes++;
          run.lastOutcomeAt = { perf: t1, wall: Date.now() };
        }
      }),
    );
  } finally {
    run.finishedAt = performance.now();
    agent.destroy();
  }
  return run;
}
