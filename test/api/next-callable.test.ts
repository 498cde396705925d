import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertLeads, withAddress } from "../compliance-gate/support.js";
import { type Harness, outcomeBody, startHarness } from "../support/harness.js";

/**
 * Tuesday 8 December 2026 (EST = UTC−5, CST = UTC−6, PST = UTC−8), 03:00 in New York: nobody may
 * be called. Expected times are hand-computed from 47 CFR 64.1200(c)(1) (no call before 8 am local)
 * and Conn. Gen. Stat. 42-288a (no call before 9 am in Connecticut).
 */
const at = (iso: string) => Date.parse(iso);
const t0300Eastern = at("2026-12-08T08:00:00Z");
const nyOpens = "2026-12-08T13:00:00.000Z"; // 08:00 EST
const hartfordOpens = "2026-12-08T14:00:00.000Z"; // 09:00 EST (Connecticut: 9 am)
const laOpens = "2026-12-08T16:00:00.000Z"; // 08:00 PST

describe("a lease with nothing callable says when the next lead is (204 + headers)", () => {
  let h: Harness;
  let clock = t0300Eastern;
  const lease = () => h.call("POST", "/v1/campaigns/q4/leases");

  beforeAll(async () => {
    h = await startHarness({
      compliance: true,
      now: () => new Date(clock),
      configure: withAddress,
      seed: (sandbox) => {
        sandbox.salesforce.setNow(new Date(clock - 60_000));
        const ids = insertLeads(sandbox, [
          { name: "NewYork", phone: "(212) 555-0102", state: "NY" },
          { name: "Hartford", phone: "(860) 555-0110", state: "CT" },
          { name: "LosAngeles", phone: "(213) 555-0111", state: "CA" },
        ]);
        sandbox.salesforce.setNow(new Date(clock));
        return [...ids.values()];
      },
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("at 03:00 ET: 204, Retry-After 5 h, the New York lead at 08:00 ET by the federal hours rule", async () => {
    const response = await lease();
    expect(response.status).toBe(204);
    expect(await response.text()).toBe("");
    expect(response.headers.get("retry-after")).toBe(String(5 * 3600));
    expect(response.headers.get("telesync-next-callable-at")).toBe(nyOpens);
    expect(response.headers.get("telesync-next-callable-rule")).toBe("hours.US");
    expect(response.headers.get("telesync-next-callable-zone")).toBe("America/New_York");
    expect(response.headers.get("telesync-next-callable-reason")).toContain("08:00-21:00");
    expect(response.headers.get("telesync-held")).toBe("3");
  });

  it("at 08:00 ET the New York lead is leased; the next hint is Hartford at 09:00 ET by Connecticut's rule", async () => {
    clock = at(nyOpens);
    const leased = await lease();
    expect(leased.status).toBe(200);
    expect(((await leased.json()) as { lead: { lastName: string } }).lead.lastName).toBe("NewYork");
    const empty = await lease();
    expect(empty.status).toBe(204);
    expect(empty.headers.get("retry-after")).toBe(String(3600));
    expect(empty.headers.get("telesync-next-callable-at")).toBe(hartfordOpens);
    expect(empty.headers.get("telesync-next-callable-rule")).toBe("hours.US-CT");
    expect(empty.headers.get("telesync-held")).toBe("2");
  });

  it("a second before Los Angeles opens, Retry-After rounds up to 1 s", async () => {
    clock = at(hartfordOpens);
    expect((await lease()).status).toBe(200);
    clock = at(laOpens) - 1;
    const empty = await lease();
    expect(empty.status).toBe(204);
    expect(empty.headers.get("retry-after")).toBe("1");
    expect(empty.headers.get("telesync-next-callable-at")).toBe(laOpens);
    expect(empty.headers.get("telesync-next-callable-zone")).toBe("America/Los_Angeles");
  });

  let laLease = "";
  it("with nothing held: no Retry-After, Telesync-Held 0", async () => {
    clock = at(laOpens);
    const leased = await lease();
    expect(leased.status).toBe(200);
    laLease = ((await leased.json()) as { leaseId: string }).leaseId;
    const empty = await lease();
    expect(empty.status).toBe(204);
    expect(empty.headers.get("retry-after")).toBeNull();
    expect(empty.headers.get("telesync-held")).toBe("0");
  });

  it("a retry the outcome policy scheduled (no_answer: retry in 1 h) is named `schedule`", async () => {
    const reported = await h.call(
      "POST",
      `/v1/leases/${laLease}/outcome`,
      outcomeBody("next-1", { disposition: "no_answer" }),
    );
    expect(reported.status).toBe(202);
    const empty = await lease();
    expect(empty.status).toBe(204);
    expect(empty.headers.get("retry-after")).toBe("3600");
    expect(empty.headers.get("telesync-next-callable-at")).toBe("2026-12-08T17:00:00.000Z");
    expect(empty.headers.get("telesync-next-callable-rule")).toBe("schedule");
    expect(empty.headers.get("telesync-next-callable-zone")).toBeNull();
    expect(empty.headers.get("telesync-held")).toBe("1");
  });

  it("documents the headers of the 204 in /openapi.json", async () => {
    const document = (await (await fetch(`${h.url}/openapi.json`)).json()) as {
      paths: Record<string, { post: { responses: Record<string, { headers?: Record<string, unknown> }> } }>;
    };
    const noLead = document.paths["/v1/campaigns/{campaign}/leases"]?.post.responses["204"];
    expect(Object.keys(noLead?.headers ?? {})).toEqual(
      expect.arrayContaining(["Retry-After", "Telesync-Next-Callable-At", "Telesync-Next-Callable-Rule"]),
    );
  });
});
