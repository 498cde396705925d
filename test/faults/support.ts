import type { Queue } from "bullmq";
import type { DeadLetterQueue } from "../../src/writeback/dead-letter.js";
import type { WritebackIntake } from "../../src/writeback/outcome-intake.js";
import { seededRandom } from "../support/child-process.js";

/**
 * Fault suite size: outcomes per scenario (`FAULTS_SIZE`, default 150: the CI size run by `npm test`;
 * `npm run test:faults` runs 2,000). The mid-sync scenario needs at least 3 query pages (5,000 leads).
 */
export const faultsSize = Math.max(20, Number(process.env.FAULTS_SIZE ?? 150));
/** Seed of every random fault point (`FAULTS_SEED`): a failing run can be replayed exactly. */
export const faultsSeed = Number(process.env.FAULTS_SEED ?? 20261130);
export const random = seededRandom(faultsSeed);

export interface Ledger {
  scenario: string;
  leads: number;
  outcomes: number;
  faults: string[];
  /** Leads with more than one dial job, outcomes written more than once (or also dead-lettered). */
  duplicates: number;
  /** Seeded leads never queued, outcomes neither in the CRM nor dead-lettered with a reason. */
  losses: number;
  deadLettered: number;
}

/** Every lead queued exactly once: one dial job (any state) per seeded lead, none other. */
export async function leadLedger(
  queue: Queue,
  expectedKeys: readonly string[],
): Promise<{ duplicates: number; losses: number }> {
  const jobs = await queue.getJobs(
    ["waiting", "prioritized", "delayed", "active", "completed", "failed"],
    0,
    -1,
  );
  const counts = new Map<string, number>();
  for (const job of jobs) {
    const key = (job?.data as { lead?: { key?: string } } | undefined)?.lead?.key ?? "";
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const duplicates = [...counts.values()].filter((n) => n > 1).length;
  const losses = expectedKeys.filter((key) => !counts.has(key)).length;
  return { duplicates, losses };
}

/**
 * Every outcome in the CRM exactly once, or in the dead-letter queue with a reason (never both).
 * `crmIds` are the outcome ids written into the CRM records (Task.CallObject).
 */
export async function outcomeLedger(
  posted: readonly string[],
  crmIds: readonly unknown[],
  deadLetters: DeadLetterQueue,
): Promise<{ duplicates: number; losses: number; deadLettered: number }> {
  const inCrm = new Map<string, number>();
  for (const id of crmIds) inCrm.set(String(id), (inCrm.get(String(id)) ?? 0) + 1);
  const letters = await deadLetters.list(0, -1);
  const dead = new Set(
    letters
      .filter((l) => l.job.kind === "outcome" && l.error.reason.length > 0)
      .map((l) => (l.job.kind === "outcome" ? l.job.outcome.outcomeId : "")),
  );
  let duplicates = 0;
  let losses = 0;
  for (const id of posted) {
    const copies = (inCrm.get(id) ?? 0) + (dead.has(id) ? 1 : 0);
    if (copies === 0) losses++;
    if (copies > 1) duplicates++;
  }
  return { duplicates, losses, deadLettered: dead.size };
}

/** One line per scenario, for the closing figures (`npm run test:faults` prints them). */
export function report(ledger: Ledger): void {
  process.stdout.write(`FAULT-LEDGER ${JSON.stringify(ledger)}\n`);
}

/** Lease and report `count` outcomes with `clients` dialers in parallel; returns the outcome ids. */
export async function workOutcomes(
  call: (method: string, path: string, body?: unknown) => Promise<Response>,
  count: number,
  idPrefix: string,
  body: (outcomeId: string) => Record<string, unknown>,
  clients = 4,
): Promise<string[]> {
  const posted: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < count) {
        const n = next++;
        const leased = await call("POST", "/v1/campaigns/q4/leases");
        if (leased.status !== 200) throw new Error(`lease answered ${leased.status}`);
        const { leaseId } = (await leased.json()) as { leaseId: string };
        const outcomeId = `${idPrefix}-${n}`;
        const answer = await call("POST", `/v1/leases/${leaseId}/outcome`, body(outcomeId));
        if (answer.status !== 202) throw new Error(`outcome answered ${answer.status}`);
        posted.push(outcomeId);
      }
    }),
  );
  return posted;
}

/**
 * Whether an integration's writeback has nothing left to write: no job waiting, running, delayed or
 * prioritized, and none still in the outbox (accepted, not yet queued by the relay).
 */
export async function queueDrained(
  intake: Pick<WritebackIntake, "queue" | "outboxLength">,
  integration: string,
): Promise<boolean> {
  if ((await intake.outboxLength(integration)) > 0) return false;
  const counts = await intake.queue(integration).getJobCounts("waiting", "active", "delayed", "prioritized");
  return Object.values(counts).every((n) => n === 0);
}
