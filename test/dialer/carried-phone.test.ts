import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DialJobData } from "../../src/queues/dial-queue.js";
import { insertLeads } from "../compliance-gate/support.js";
import { type Harness, startHarness, unscreened } from "../support/harness.js";

/** Tuesday 8 December 2026, 09:00 in New York, 08:00 in Chicago, 10:00 in Puerto Rico. */
const synced = Date.parse("2026-12-08T14:00:00Z");
/** The same day at 06:30 in Chicago (before 08:00: wait), 08:30 in Puerto Rico (allowed). */
const early = Date.parse("2026-12-08T12:30:00Z");

/**
 * The sync's parse of each lead's phone rides in its dial job (`DialJobData.parsedPhone`) so the
 * lease does not parse again; it is read only when it describes the lead's current number. No
 * address is mapped here: the number alone places the lead.
 */
describe("the phone parse a dial job carries", () => {
  let h: Harness;
  let clock = synced;
  let ids: Map<string, string>;

  beforeAll(async () => {
    h = await startHarness({
      compliance: true,
      now: () => new Date(clock),
      configure: (input) => ({
        ...input,
        campaigns: { q4: { lease: { ttl: "30s" }, compliance: unscreened } },
      }),
      seed: (sandbox) => {
        sandbox.salesforce.setNow(new Date(synced - 60_000));
        ids = insertLeads(sandbox, [
          { name: "NewYork", phone: "(212) 555-0102", state: "NY" },
          { name: "PuertoRico", phone: "(787) 555-0101", state: "PR" },
        ]);
        return [...ids.values()];
      },
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  const job = async (name: string) => {
    const found = await h.telesync.dialQueues.get("q4").queue.getJob(`sf/Lead/${ids.get(name)}`);
    if (!found) throw new Error(`no job for ${name}`);
    return found;
  };

  it("is written by the sync and rewritten when a re-sync changes the number", async () => {
    expect((await job("NewYork")).data.parsedPhone).toBe("+12125550102 1 US FIXED_LINE_OR_MOBILE");
    expect((await job("PuertoRico")).data.parsedPhone).toBe("+17875550101 1 PR FIXED_LINE_OR_MOBILE");
    // The lead moves to a Chicago number.
    clock += 60_000;
    h.sandbox.salesforce.setNow(new Date(clock));
    h.sandbox.salesforce.update("Lead", ids.get("NewYork") as string, { Phone: "(312) 555-0104" });
    clock += 60_000;
    h.sandbox.salesforce.setNow(new Date(clock));
    expect(await h.telesync.sync("leads")).toMatchObject({ updated: 1 });
    const moved = (await job("NewYork")).data;
    expect(moved.lead.phone).toBe("+13125550104");
    expect(moved.parsedPhone).toBe("+13125550104 1 US FIXED_LINE_OR_MOBILE");
  });

  it("decides by the lead's own number when the carried parse is another number's or missing", async () => {
    const chicago = await job("NewYork");
    // Stale: the Puerto Rico number's parse beside the Chicago number (as a writer that changed the
    // phone but not the parse would leave it). Trusted, it would place the lead in Puerto Rico,
    // where 12:30 UTC is inside the calling window.
    const stale: DialJobData = { ...chicago.data, parsedPhone: "+17875550101 1 PR FIXED_LINE_OR_MOBILE" };
    await chicago.updateData(stale);
    // Missing, as in a job queued before the field existed.
    const pr = await job("PuertoRico");
    const { parsedPhone: _dropped, ...older } = pr.data;
    await pr.updateData(older);
    clock = early;
    const first = await h.service.leases.lease("q4");
    expect(first?.lead.phone).toBe("+17875550101");
    // The Chicago lead waits until 08:00 in Chicago (14:00 UTC).
    expect(await h.service.leases.lease("q4")).toBeUndefined();
    const held = await job("NewYork");
    expect(await held.getState()).toBe("delayed");
    const [decision] = await h.telesync.compliance.decisions.read(`sf/Lead/${ids.get("NewYork")}`);
    expect(decision).toMatchObject({ stage: "lease", decision: "wait", until: "2026-12-08T14:00:00.000Z" });
  });
});
