import { type CrmSandbox, startSandbox } from "@telesync/sandbox";
import { Queue } from "bullmq";
import { afterEach, describe, expect, it } from "vitest";
import { leadKey } from "../../src/model/lead.js";
import { queueNames } from "../../src/queues/names.js";
import { TelesyncService } from "../../src/runtime/service.js";
import { createTelesync } from "../../src/runtime/telesync.js";
import { type ConfigInput, type Harness, salesforceTestConfig, startHarness } from "../support/harness.js";
import { dropPrefix, uniquePrefix } from "../support/redis.js";

/** Leads with numbers written here, so the expected E.164 forms below come from the test, not the code. */
const people = [
  { FirstName: "Ada", LastName: "Byron", Company: "Analytical", Phone: "(212) 555-0147" },
  { FirstName: "Grace", LastName: "Hopper", Company: "Navy", Phone: "(415) 555-0199" },
  { FirstName: "Alan", LastName: "Turing", Company: "Bletchley", Phone: "(617) 555-0123" },
  { FirstName: "Edsger", LastName: "Dijkstra", Company: "Eindhoven", Phone: "(312) 555-0188" },
];
/** NANP numbers above in E.164 (country code 1 + 10 digits). */
const e164 = ["+12125550147", "+14155550199", "+16175550123", "+13125550188"];

const realtime = (input: ConfigInput): ConfigInput => ({
  ...input,
  integrations: {
    sf: {
      ...(input.integrations.sf as object),
      realtime: { changeDataCapture: true },
    } as ConfigInput["integrations"][string],
  },
});

const seed = (sandbox: CrmSandbox) => people.map((person) => sandbox.salesforce.insert("Lead", person));

/** Generous bound for something that happens in well under a second: a test that fails proves it never happened. */
async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`never happened: ${what}`);
}

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

function keyOf(id: string): string {
  return leadKey("sf", "Lead", id);
}

async function queued(h: Harness, id: string): Promise<number> {
  return (await h.telesync.dialQueues.jobsOfLead(keyOf(id))).length;
}

async function suppressed(h: Harness, phone: string): Promise<boolean> {
  return (await h.service.consent.suppression.entry(phone)) !== undefined;
}

async function storedReplayId(h: Harness, channel: string): Promise<string | null> {
  return h.telesync.redis.hget(`${h.telesync.prefix}:change-stream:sf`, channel);
}

/** Stop the running service (its stream too), leaving telesync and Redis as they are. */
async function restart(h: Harness, schedule: boolean, between: () => void): Promise<void> {
  await h.service.close();
  between();
  h.service = await TelesyncService.start(h.telesync, { port: 0, schedule });
}

describe("Salesforce Change Data Capture", () => {
  it("a DoNotCall set in Salesforce suppresses the number and dequeues the lead, with no pull running", async () => {
    // No source has `every` and the scheduler is off: only the change stream can act.
    harness = await startHarness({ configure: realtime, seed, service: { schedule: false } });
    const h = harness;
    const [ada, grace] = h.leadIds as [string, string];
    expect(h.service.changeStreams.map((s) => s.channels)).toEqual([["/data/LeadChangeEvent"]]);
    expect(await queued(h, ada)).toBe(1);

    h.sandbox.salesforce.update("Lead", ada, { DoNotCall: true });

    await eventually(() => suppressed(h, e164[0]!), "Ada's number suppressed");
    await eventually(async () => (await queued(h, ada)) === 0, "Ada's job removed");
    expect(await suppressed(h, e164[1]!)).toBe(false);
    expect(await queued(h, grace)).toBe(1);
  });

  it("a deletion in Salesforce removes the lead; an edit is re-read into the queue", async () => {
    harness = await startHarness({ configure: realtime, seed, service: { schedule: false } });
    const h = harness;
    const [ada, grace] = h.leadIds as [string, string];

    h.sandbox.salesforce.delete("Lead", ada);
    h.sandbox.salesforce.update("Lead", grace, { FirstName: "Amazing Grace" });

    await eventually(async () => (await queued(h, ada)) === 0, "Ada's job removed");
    await eventually(async () => {
      const [entry] = await h.telesync.dialQueues.jobsOfLead(keyOf(grace));
      return entry?.job.data.lead.firstName === "Amazing Grace";
    }, "Grace's job updated");
    // Deleting is not opting out.
    expect(await suppressed(h, e164[0]!)).toBe(false);
  });

  it("changes made while the service was stopped are replayed from the stored replay id on start", async () => {
    harness = await startHarness({ configure: realtime, seed, service: { schedule: false } });
    const h = harness;
    const [ada, grace, alan] = h.leadIds as [string, string, string];
    h.sandbox.salesforce.update("Lead", alan, { FirstName: "Alan M." });
    const channel = "/data/LeadChangeEvent";
    await eventually(
      async () => (await storedReplayId(h, channel)) === String(h.sandbox.salesforce.latestReplayId),
      "position stored",
    );

    await restart(h, false, () => {
      h.sandbox.salesforce.update("Lead", ada, { DoNotCall: true });
      h.sandbox.salesforce.delete("Lead", grace);
    });

    await eventually(() => suppressed(h, e164[0]!), "Ada's number suppressed after restart");
    await eventually(async () => (await queued(h, grace)) === 0, "Grace removed after restart");
    await eventually(
      async () => (await storedReplayId(h, channel)) === String(h.sandbox.salesforce.latestReplayId),
      "position moved on",
    );
    // Replayed, not pulled: no sync ran after the harness's initial one.
    expect((await h.telesync.syncState("leads").history(10)).length).toBe(1);
  });

  it("a stored replay id Salesforce no longer keeps falls back to a catch-up pull, then follows new events", async () => {
    harness = await startHarness({ configure: realtime, seed, service: { schedule: false } });
    const h = harness;
    const [ada, grace, alan, edsger] = h.leadIds as [string, string, string, string];
    const channel = "/data/LeadChangeEvent";
    h.sandbox.salesforce.update("Lead", alan, { FirstName: "Alan M." });
    await eventually(async () => (await storedReplayId(h, channel)) !== null, "position stored");
    const runsBefore = (await h.telesync.syncState("leads").history(10)).length;
    // The first start had no stored position and asked for a pull nobody ran: drop it, so only a
    // pull asked for after the restart can change the queue.
    const syncQueue = new Queue(queueNames.sync, { connection: h.telesync.redis, prefix: h.telesync.prefix });
    await syncQueue.drain();
    await syncQueue.close();

    // The scheduler's worker runs the catch-up pull the stream asks for (no source has `every`).
    await restart(h, true, () => {
      h.sandbox.salesforce.update("Lead", ada, { DoNotCall: true });
      h.sandbox.salesforce.update("Lead", grace, { FirstName: "Amazing Grace" });
      h.sandbox.salesforce.expireChangeEvents();
    });

    // (A deletion would wait for the pull's getDeleted window, which Salesforce reports by the minute.)
    await eventually(async () => (await queued(h, ada)) === 0, "Ada dequeued by the catch-up pull");
    await eventually(async () => {
      const [entry] = await h.telesync.dialQueues.jobsOfLead(keyOf(grace));
      return entry?.job.data.lead.firstName === "Amazing Grace";
    }, "Grace's edit pulled");
    // The pull's run is recorded when it ends, a moment after its page was applied.
    await eventually(
      async () => (await h.telesync.syncState("leads").history(10)).length > runsBefore,
      "the catch-up pull recorded in the run history",
    );

    // The stream carries on from new events.
    h.sandbox.salesforce.update("Lead", edsger, { DoNotCall: true });
    await eventually(() => suppressed(h, e164[3]!), "Edsger's number suppressed by the stream");
  });

  it("reconnects with a fresh token when Salesforce stops accepting the stream's session", async () => {
    // Tokens live 1.5 s and a long poll is held 300 ms, so the stream meets an expired session soon.
    const sandbox = await startSandbox({ port: 0, salesforce: { tokenTtlMs: 1_500, cometdHoldMs: 300 } });
    const prefix = uniquePrefix();
    const telesync = createTelesync({
      config: salesforceTestConfig(sandbox.url, prefix, undefined, realtime),
      compliance: false,
    });
    const [ada, grace] = seed(sandbox) as [string, string];
    let service: TelesyncService | undefined;
    try {
      await telesync.sync("leads");
      service = await TelesyncService.start(telesync, { port: 0, schedule: false, role: "worker" });
      sandbox.salesforce.update("Lead", grace, { FirstName: "Amazing Grace" });
      const stored = () => telesync.redis.hget(`${prefix}:change-stream:sf`, "/data/LeadChangeEvent");
      await eventually(async () => (await stored()) !== null, "a position stored");
      // Past the token's life: the stream's next long poll is refused; this change happens meanwhile.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      sandbox.salesforce.update("Lead", ada, { DoNotCall: true });
      const suppression = service.consent.suppression;
      await eventually(
        async () => (await suppression.entry(e164[0]!)) !== undefined,
        "opt-out after re-auth",
        30_000,
      );
    } finally {
      await service?.close();
      await telesync.close();
      await sandbox.close();
      await dropPrefix(prefix);
    }
  }, 60_000);
});
