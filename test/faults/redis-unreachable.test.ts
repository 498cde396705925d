import { type CrmSandbox, startSandbox } from "@telesync/sandbox";
import { afterEach, describe, expect, it } from "vitest";
import { configSchema } from "../../src/config/schema.js";
import { commandTimeoutMs } from "../../src/queues/connection.js";
import { TelesyncService } from "../../src/runtime/service.js";
import { createTelesync, type Telesync } from "../../src/runtime/telesync.js";
import { apiKey, eventually, outcomeBody, salesforceTestConfigInput } from "../support/harness.js";
import { ThrowawayRedis } from "../support/throwaway-redis.js";
import {
  faultsSize,
  leadLedger,
  outcomeLedger,
  queueDrained,
  random,
  report,
  workOutcomes,
} from "./support.js";

/**
 * How long Redis stays unreachable (real time: ioredis' reconnects, command timeouts and Redis' own
 * lock expiry run on real clocks, which a driven clock cannot stand in for). The default is shorter
 * than the 30 s of the issue but longer than every timeout that matters here: the API's 5 s command
 * timeout (`commandTimeoutMs`; the calls made during the outage go out together, so each waits at most one) and the 2 s writeback job locks, which therefore all expire inside the
 * outage. The larger run sets FAULTS_REDIS_OUTAGE_MS=30000.
 */
const outageMs = Number(process.env.FAULTS_REDIS_OUTAGE_MS ?? 10_000);
/**
 * Bound on "answers within the command timeout" (plus a busy CI machine's slack), below "hangs for
 * the outage": a frozen Redis costs a request at most one command timeout.
 */
const answerBoundMs = commandTimeoutMs + 3_000;
/** Calls in progress when Redis goes away: their outcomes are refused, then sent again. */
const inHand = Math.min(20, Math.floor(faultsSize / 4));

describe("fault: Redis unreachable (server frozen: commands hang) mid-writeback", () => {
  let redis: ThrowawayRedis;
  let sandbox: CrmSandbox;
  let telesync: Telesync;
  let service: TelesyncService;
  afterEach(async () => {
    redis?.resume();
    await service?.close().catch(() => {});
    await telesync?.close();
    await sandbox?.close();
    await redis?.stop();
  });

  it("fast 503 redis_unavailable, /healthz names Redis, outcomes re-sent after it: none lost, none twice", async () => {
    redis = await ThrowawayRedis.start({ appendonly: true });
    sandbox = await startSandbox({ port: 0 });
    const agent = sandbox.salesforce.insert("User", { Username: "a7@sandbox.example", LastName: "Seven" });
    const input = salesforceTestConfigInput(sandbox.url, "{unreach}", agent);
    // Leases outlive the outage here: a lease that expires during it is item 2's case (late retry).
    const campaigns = {
      q4: { ...input.campaigns?.q4, lease: { ttl: `${Math.ceil(outageMs / 1000) + 60}s` } },
    };
    const config = configSchema.parse({
      ...input,
      campaigns,
      redis: { url: redis.url, prefix: "{unreach}" },
    });
    telesync = createTelesync({ config, compliance: false });
    // A few more leads than outcomes: a lease request cut off by the outage may still take a lead
    // when Redis runs it late; that lease returns to the queue when its lock ends.
    const ids = sandbox.salesforce.seedLeads(faultsSize + 10);
    await telesync.sync("leads");
    service = await TelesyncService.start(telesync, {
      port: 0,
      schedule: false,
      stalledIntervalMs: 1_000,
      writeback: { batchWindowMs: 50, lockDurationMs: 2_000, stalledIntervalMs: 1_000 },
    });
    const url = service.url as string;
    const call = (method: string, path: string, body?: unknown) =>
      fetch(`${url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${apiKey}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(answerBoundMs),
      });
    const health = () => fetch(`${url}/healthz`, { signal: AbortSignal.timeout(answerBoundMs) });
    // Slow writes, so the outage lands with batches in flight.
    sandbox.salesforce.injectFault({
      kind: "timeout",
      delayMs: 200,
      count: 100_000,
      match: "composite-create",
    });

    const first = Math.floor((faultsSize - inHand) / 2);
    const posted = await workOutcomes(call, first, "before", (id) => outcomeBody(id));
    const held: string[] = [];
    for (let i = 0; i < inHand; i++) {
      const leased = await call("POST", "/v1/campaigns/q4/leases");
      expect(leased.status).toBe(200);
      held.push(((await leased.json()) as { leaseId: string }).leaseId);
    }
    await eventually(() => sandbox.salesforce.stats()["composite-create"] > 0, 60_000, "a batch in flight");
    // A seeded random moment while batches are being written.
    await new Promise((r) => setTimeout(r, Math.floor(random() * 200)));
    redis.pause();
    const frozenAt = Date.now();

    // While it is away: every route but /healthz answers 503 with the stable code, /healthz says why.
    // All at once, as dialers would: each waits at most one command timeout, well inside the outage.
    const refused: Array<{ leaseId: string; outcomeId: string }> = [];
    const [checked, lease] = await Promise.all([
      health(),
      call("POST", "/v1/campaigns/q4/leases"),
      ...held.map(async (leaseId, n) => {
        const outcomeId = `during-${n}`;
        const answer = await call("POST", `/v1/leases/${leaseId}/outcome`, outcomeBody(outcomeId));
        expect(answer.status).toBe(503);
        expect(await answer.json()).toMatchObject({ error: "redis_unavailable" });
        refused.push({ leaseId, outcomeId });
        return answer;
      }),
    ]);
    expect(checked.status).toBe(503);
    expect(await checked.json()).toMatchObject({ status: "unhealthy", down: ["redis"] });
    expect(lease.status).toBe(503);
    expect(lease.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(await lease.json()).toMatchObject({ error: "redis_unavailable" });
    await new Promise((r) => setTimeout(r, Math.max(0, outageMs - (Date.now() - frozenAt))));
    const stillDown = await health();
    expect(stillDown.status).toBe(503);
    redis.resume();

    // Back by itself: no restart of telesync.
    await eventually(async () => (await health()).status === 200, 60_000, "/healthz ok again");
    // Dialers send what was refused again, with the same outcome ids: accepted (or already, when Redis
    // ran the cut-off request late), never twice.
    for (const { leaseId, outcomeId } of refused) {
      const answer = await call("POST", `/v1/leases/${leaseId}/outcome`, outcomeBody(outcomeId));
      expect(answer.status).toBe(202);
      posted.push(outcomeId);
    }
    sandbox.salesforce.clearFaults();
    posted.push(...(await workOutcomes(call, faultsSize - posted.length, "after", (id) => outcomeBody(id))));
    const drained = () => queueDrained(service.intake, "sf");
    await eventually(drained, 120_000, "writeback drained");

    const outcomes = await outcomeLedger(
      posted,
      sandbox.salesforce.all("Task").map((t) => t.CallObject),
      service.deadLetters,
    );
    const leads = await leadLedger(
      telesync.dialQueues.get("q4").queue,
      ids.map((id) => `sf/Lead/${id}`),
    );
    expect(posted).toHaveLength(faultsSize);
    expect(outcomes).toMatchObject({ duplicates: 0, losses: 0, deadLettered: 0 });
    expect(leads).toEqual({ duplicates: 0, losses: 0 });
    // Counted once each, whatever ran late: one `connected` per outcome posted.
    expect((await service.outcomes.dispositionCounts("q4")).connected).toBe(faultsSize);
    report({
      scenario: "Redis unreachable (SIGSTOP) mid-writeback",
      leads: ids.length,
      outcomes: posted.length,
      faults: [
        `redis-server frozen ${outageMs} ms with batches in flight`,
        `${refused.length} outcomes refused 503 then re-sent`,
      ],
      duplicates: outcomes.duplicates + leads.duplicates,
      losses: outcomes.losses + leads.losses,
      deadLettered: outcomes.deadLettered,
    });
  }, 300_000);
});
