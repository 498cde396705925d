import type { LeaseService } from "../../src/dialer/lease-service.js";
import type { Lead } from "../../src/model/lead.js";
import type { OutcomeService } from "../../src/outcomes/outcome-service.js";
import type { Redis } from "../../src/queues/connection.js";
import type { DialQueue } from "../../src/queues/dial-queue.js";
import { dialJobId } from "../../src/queues/names.js";
import { type Figure, latencySummary, round, sleep } from "./common.js";
import { telesyncLoops } from "./lease-loops.js";

/** `count` copies of a queued lead, each with its own key and number (same area code: same rules). */
export function heldCopies(lead: Lead, count: number, tag: string): Lead[] {
  const stem = lead.phone.slice(0, -4);
  return Array.from({ length: count }, (_v, i) => ({
    ...lead,
    key: `${lead.key}-held-${tag}-${i}`,
    crmId: `${lead.crmId}H${tag}${i}`,
    phone: `${stem}${String(i % 10_000).padStart(4, "0")}`,
    altPhones: [],
  }));
}

export interface DueBurstOptions {
  library: { leases: Pick<LeaseService, "lease">; outcomes: Pick<OutcomeService, "report"> };
  campaign: string;
  dial: DialQueue;
  /** A connection to the dial queue's Redis, to read what is left delayed. */
  redis: Redis;
  /** A queued lead the held copies are made from. */
  lead: Lead;
  burst: number;
  perPhase: number;
  rounds: number;
  callers: number;
  disposition: (n: number) => string;
}

/** From the held leads' write to the phase's first lease: both kinds wait the same (GC, Redis settle). */
const leadInMs = 2_000;
/** When the burst falls due after its phase's first lease: inside the phase, not before it. */
const fallMs = 300;
/**
 * The burst's window: leases begun from the fall to this long after it (the release timer ticks
 * every second; its run follows). Both kinds are read over the same window of their phase.
 */
const windowMs = 1_500;
/** A calm phase's held leads fall due a day later: the same write, nothing due in the run. */
const farMs = 24 * 3_600_000;

/**
 * The due-burst figure, made robust against one phase's noise: `rounds` rounds, each one phase
 * without and one with `burst` held leads falling due, their order alternating round by round. Both
 * kinds write `burst` held leads (a sync's chunks of 1,000) and wait the same lead-in before their
 * phase, so they differ only in whether the leads fall due (`fallMs` into the phase) or a day later.
 * p99 over every phase of a kind pooled (rounds × perPhase leases), and per round.
 */
export async function dueBurstRounds(options: DueBurstOptions): Promise<{
  calm: number[];
  stormy: number[];
  /** The leases begun in the burst's window of each phase. */
  calmWindow: number[];
  stormyWindow: number[];
  figures: Record<string, Figure>;
}> {
  const { dial, burst } = options;
  const calm: number[] = [];
  const stormy: number[] = [];
  const calmWindow: number[] = [];
  const stormyWindow: number[] = [];
  const perRound: string[] = [];
  let lateRelease = 0;
  let lateStart = 0;
  for (let r = 0; r < options.rounds; r++) {
    const order = r % 2 === 0 ? (["calm", "stormy"] as const) : (["stormy", "calm"] as const);
    const p99s: Record<string, number> = {};
    for (const kind of order) {
      const copies = heldCopies(options.lead, burst, `${r}${kind[0]}`);
      const writtenAt = Date.now();
      const delay = kind === "stormy" ? leadInMs + fallMs : farMs;
      await dial.upsert(
        copies.map((lead) => ({ lead, sourceId: "leads", delay, isNew: true })),
        1000,
      );
      const wait = writtenAt + leadInMs - Date.now();
      if (wait < 0) lateStart++;
      await sleep(Math.max(0, wait));
      const run = await telesyncLoops(
        options.library,
        options.campaign,
        options.callers,
        options.perPhase,
        options.disposition,
      );
      (kind === "stormy" ? stormy : calm).push(...run.latency);
      const inWindow = run.latency.filter(
        (_ms, i) => (run.startedMs[i] ?? -1) >= fallMs && (run.startedMs[i] ?? -1) < fallMs + windowMs,
      );
      (kind === "stormy" ? stormyWindow : calmWindow).push(...inWindow);
      p99s[kind] = latencySummary(run.latency).p99 ?? Number.NaN;
      if (kind === "stormy") {
        // Held leads of this burst still delayed when its phase ended: released after it, unmeasured.
        const scores = await options.redis.zmscore(
          dial.queue.toKey("delayed"),
          ...copies.map((lead) => dialJobId(lead.key)),
        );
        lateRelease += scores.filter((score) => score !== null).length;
      }
    }
    perRound.push(`${p99s.calm} / ${p99s.stormy} (${round((p99s.stormy ?? 0) / (p99s.calm ?? 1), 2)}×)`);
  }
  const pooled = (values: number[]) => latencySummary(values);
  const without = pooled(calm);
  const withBurst = pooled(stormy);
  const windowWithout = pooled(calmWindow);
  const windowWith = pooled(stormyWindow);
  return {
    calm,
    stormy,
    calmWindow,
    stormyWindow,
    figures: {
      "burst: rounds (phase without, phase with; order alternating)": options.rounds,
      "burst: held leads added per phase": burst,
      "burst: lease p50/p99 ms without (pooled)": `${without.p50} / ${without.p99}`,
      "burst: lease p50/p99 ms with (pooled)": `${withBurst.p50} / ${withBurst.p99}`,
      "burst: p99 ms without / with per round": perRound.join("; "),
      [`burst: lease n/p99/max ms without, ${fallMs}–${fallMs + windowMs} ms into the phase (pooled)`]: `${windowWithout.n} / ${windowWithout.p99} / ${windowWithout.max}`,
      [`burst: lease n/p99/max ms with, ${fallMs}–${fallMs + windowMs} ms into the phase (pooled)`]: `${windowWith.n} / ${windowWith.p99} / ${windowWith.max}`,
      "burst: held leads released after their phase (should be 0)": lateRelease,
      "burst: phases started late (held-lead write longer than the lead-in)": lateStart,
    },
  };
}
