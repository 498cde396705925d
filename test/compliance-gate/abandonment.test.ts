import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, outcomeBody, startHarness } from "../support/harness.js";

interface LeaseBody {
  leaseId: string;
  previewOnly: boolean;
}

describe("abandonment guard: the 30-day abandonment rate switches a campaign to preview dialing", () => {
  let h: Harness;
  let n = 0;
  /** telesync's clock runs a little ahead of the system clock when a test moves it on. */
  let ahead = 0;
  /** The lease path caches the status for 1 s of telesync's clock (outcomes do not drop it). */
  const pastTheCache = () => {
    ahead += 1_000;
  };
  beforeAll(async () => {
    // The guard does not depend on calling hours: no gate, the system clock (moved on by the tests).
    h = await startHarness({ leads: 60, now: () => new Date(Date.now() + ahead) });
  });
  afterAll(async () => {
    await h?.close();
  });

  async function lease(): Promise<LeaseBody> {
    const response = await h.call("POST", "/v1/campaigns/q4/leases");
    expect(response.status).toBe(200);
    return (await response.json()) as LeaseBody;
  }
  async function call(disposition: string): Promise<LeaseBody> {
    const leased = await lease();
    const response = await h.call(
      "POST",
      `/v1/leases/${leased.leaseId}/outcome`,
      outcomeBody(`ab-${++n}`, { disposition }),
    );
    expect(response.status).toBe(202);
    return leased;
  }
  async function abandonment(): Promise<Record<string, unknown>> {
    const stats = (await (await h.call("GET", "/v1/campaigns/q4/stats")).json()) as {
      abandonment: Record<string, unknown>;
    };
    return stats.abandonment;
  }

  it("stays predictive below the threshold (2.5% by default)", async () => {
    for (let i = 0; i < 30; i++) expect((await call("connected")).previewOnly).toBe(false);
    for (let i = 0; i < 9; i++) await call(i % 3 === 0 ? "not_interested" : "no_answer");
    // no_answer is not live-answered: 33 live answers so far.
    expect(await abandonment()).toEqual({
      rate: 0,
      threshold: 0.025,
      previewOnly: false,
      abandoned: 0,
      liveAnswered: 33,
    });
  });

  it("after abandoned calls reach the threshold, leases are preview-only and stats warn", async () => {
    expect((await call("abandoned")).previewOnly).toBe(false);
    // 1 of 34 live answers abandoned: 2.94%, at or above 2.5%.
    const status = await abandonment();
    expect(status).toMatchObject({ abandoned: 1, liveAnswered: 34, previewOnly: true, threshold: 0.025 });
    expect(status.rate).toBeCloseTo(1 / 34, 6);
    expect(status.warning).toMatch(/2\.94% over 30 days .* 2\.50% threshold: leases are preview-only/);
    pastTheCache();
    const leased = await lease();
    expect(leased.previewOnly).toBe(true);
    await h.call("POST", `/v1/leases/${leased.leaseId}/release`);
  });

  it("recovers once enough live answers dilute the rate below the threshold", async () => {
    for (let i = 0; i < 6; i++) await call("connected");
    // 1 of 40 is exactly 2.5%: still preview-only; one more live answer brings it under.
    expect(await abandonment()).toMatchObject({ liveAnswered: 40, previewOnly: true });
    await call("callback");
    expect(await abandonment()).toMatchObject({ liveAnswered: 41, previewOnly: false });
    pastTheCache();
    expect((await lease()).previewOnly).toBe(false);
  });
});
