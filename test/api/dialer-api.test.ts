import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, outcomeBody, startHarness } from "../support/harness.js";

interface LeaseBody {
  leaseId: string;
  expiresAt: string;
  attempts: number;
  lead: { key: string; phone: string };
}

describe("dialer HTTP API: contracts and bad input", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ leads: 40 });
  });
  afterAll(async () => {
    await h.close();
  });

  async function lease(): Promise<LeaseBody> {
    const response = await h.call("POST", "/v1/campaigns/q4/leases");
    expect(response.status).toBe(200);
    return (await response.json()) as LeaseBody;
  }

  it("answers /healthz without a key and everything else only with the right key", async () => {
    const health = await fetch(`${h.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "ok", checks: { redis: "ok" } });
    expect((await fetch(`${h.url}/v1/campaigns/q4/leases`, { method: "POST" })).status).toBe(401);
    const wrong = await h.call("POST", "/v1/campaigns/q4/leases", undefined, {
      authorization: "Bearer nope",
    });
    expect(wrong.status).toBe(401);
    expect((await fetch(`${h.url}/metrics`)).status).toBe(401);
  });

  it("leases a lead with a lease id and expiry, and accepts its outcome once", async () => {
    const leased = await lease();
    expect(leased.lead.phone).toMatch(/^\+1\d{10}$/);
    expect(Date.parse(leased.expiresAt)).toBeGreaterThan(Date.now());
    const first = await h.call("POST", `/v1/leases/${leased.leaseId}/outcome`, outcomeBody("api-o-1"));
    expect(first.status).toBe(202);
    expect(await first.json()).toMatchObject({ accepted: true, duplicate: false });
    const again = await h.call("POST", `/v1/leases/${leased.leaseId}/outcome`, outcomeBody("api-o-1"));
    expect(again.status).toBe(202);
    expect(await again.json()).toMatchObject({ duplicate: true });
    const other = await h.call("POST", `/v1/leases/${leased.leaseId}/outcome`, outcomeBody("api-o-2"));
    expect(other.status).toBe(409);
    expect(((await other.json()) as { message: string }).message).toMatch(/no longer held/);
    const stats = await h.call("GET", "/v1/campaigns/q4/stats");
    expect(await stats.json()).toMatchObject({ campaign: "q4", outcomesByDisposition: { connected: 1 } });
  });

  it("extends and releases a lease; a released lease cannot be completed", async () => {
    const leased = await lease();
    const extended = await h.call("POST", `/v1/leases/${leased.leaseId}/extend`);
    expect(extended.status).toBe(200);
    expect((await h.call("POST", `/v1/leases/${leased.leaseId}/release`)).status).toBe(204);
    const late = await h.call("POST", `/v1/leases/${leased.leaseId}/outcome`, outcomeBody("api-o-3"));
    expect(late.status).toBe(409);
  });

  it("puts a no-answer lead back as a delayed retry of the same job", async () => {
    const leased = await lease();
    await h.call(
      "POST",
      `/v1/leases/${leased.leaseId}/outcome`,
      outcomeBody("api-o-4", { disposition: "no_answer" }),
    );
    const job = await h.telesync.dialQueues.get("q4").queue.getJob(leased.lead.key);
    expect(await job?.getState()).toBe("delayed");
    expect(job?.data.attempts).toBe(1);
  });

  it.each([
    ["malformed JSON", "{not json", /JSON/i],
    ["an unknown field", { ...outcomeBody("bad-1"), surprise: true }, /surprise|Unrecognized/i],
    ["an unknown disposition", outcomeBody("bad-2", { disposition: "maybe" }), /unknown disposition/],
    ["a negative duration", outcomeBody("bad-3", { durationSec: -5 }), /durationSec/],
    ["a missing outcomeId", { ...outcomeBody("x"), outcomeId: undefined }, /outcomeId/],
  ])("refuses %s with a 400 and a reason, writing nothing", async (_label, body, reason) => {
    const leased = await lease();
    const response = await h.call("POST", `/v1/leases/${leased.leaseId}/outcome`, body);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toMatch(reason);
    const job = await h.telesync.dialQueues.get("q4").queue.getJob(leased.lead.key);
    expect(await job?.getState()).toBe("active");
    await h.call("POST", `/v1/leases/${leased.leaseId}/release`);
  });

  it("refuses a 10 MB notes field with 413 and keeps serving", async () => {
    const leased = await lease();
    const huge = outcomeBody("bad-4", { notes: "x".repeat(10 * 1024 * 1024) });
    const response = await h.call("POST", `/v1/leases/${leased.leaseId}/outcome`, huge);
    expect(response.status).toBe(413);
    expect((await h.call("GET", "/v1/campaigns/q4/stats")).status).toBe(200);
    await h.call("POST", `/v1/leases/${leased.leaseId}/release`);
  });

  it("answers unknown and foreign lease ids with 404 and unknown campaigns with 404", async () => {
    expect((await h.call("POST", "/v1/leases/not-a-lease/outcome", outcomeBody("x1"))).status).toBe(404);
    const forged = Buffer.from(
      "q4\nsf/Lead/00Q000000000000AAA\n00000000-0000-0000-0000-000000000000",
    ).toString("base64url");
    expect((await h.call("POST", `/v1/leases/${forged}/extend`)).status).toBe(409);
    expect((await h.call("POST", "/v1/campaigns/nope/leases")).status).toBe(404);
  });

  it("refuses consent requests without a phone or lead key", async () => {
    const response = await h.call("POST", "/v1/consent", { status: "opted_out" });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toMatch(/phone or leadKey/);
    expect((await h.call("POST", "/v1/consent", { phone: "12", status: "opted_out" })).status).toBe(400);
  });

  it("serves Prometheus metrics", async () => {
    const text = await (await h.call("GET", "/metrics")).text();
    expect(text).toContain("telesync_leases_total");
    expect(text).toMatch(/telesync_queue_jobs\{queue="dial-q4",state="waiting"\} \d+/);
  });
});
