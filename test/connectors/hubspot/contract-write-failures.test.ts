import nock from "nock";
import { describe, expect, it } from "vitest";
import { API, fixture, NOW, outcome, useNockedConnector } from "./support.js";

const nocked = useNockedConnector();

describe("HubSpot contract: when writing calls fails", () => {
  it("a 400 for the whole batch is split until the bad input fails alone", async () => {
    const bodies: string[][] = [];
    const record = (body: { inputs: { objectWriteTraceId: string }[] }) => {
      bodies.push(body.inputs.map((i) => i.objectWriteTraceId));
      return true;
    };
    const one = (id: string) => ({
      ...fixture("calls-batch-create-201"),
      results: [
        {
          id: "1",
          properties: {},
          createdAt: "2026-02-12T10:00:00.000Z",
          updatedAt: "2026-02-12T10:00:00.000Z",
          archived: false,
          objectWriteTraceId: id,
        },
      ],
    });
    nock(API).post("/crm/v3/objects/calls/batch/create", record).reply(400, fixture("validation-error-400"));
    nock(API).post("/crm/v3/objects/calls/batch/create", record).reply(201, one("out-1"));
    nock(API).post("/crm/v3/objects/calls/batch/create", record).reply(400, fixture("validation-error-400"));
    const results = await nocked.connector.writeActivities(
      [outcome(1, "51"), outcome(2, "52", { call: { ...outcome(2, "52").call, status: "MAYBE" } })],
      { checkExisting: false },
    );
    expect(bodies).toEqual([["out-1", "out-2"], ["out-1"], ["out-2"]]);
    expect(results[0]).toMatchObject({ ok: true, activityId: "1" });
    expect(results[1]).toMatchObject({ ok: false, error: { kind: "permanent", code: "VALIDATION_ERROR" } });
  });

  it("on 429 TEN_SECONDLY_ROLLING pauses the shared burst bucket, then retries", async () => {
    nock(API).post("/crm/v3/objects/calls/batch/create").reply(429, fixture("rate-limit-429-ten-secondly"), {
      "X-HubSpot-RateLimit-Interval-Milliseconds": "10000",
      "X-HubSpot-RateLimit-Remaining": "0",
    });
    nock(API).post("/crm/v3/objects/calls/batch/create").reply(201, fixture("calls-batch-create-201"));
    const results = await nocked.connector.writeActivities([outcome(1, "51"), outcome(2, "52")], {
      checkExisting: false,
    });
    expect(results.every((r) => r.ok)).toBe(true);
    expect(nocked.setup.rateLimiter.paused).toEqual([
      {
        bucket: "hubspot:hs1:burst",
        waitMs: 10_000,
        reason: expect.stringContaining("TEN_SECONDLY_ROLLING"),
      },
    ]);
  });

  it("on 429 DAILY pauses the integration until midnight (UTC default) and reports rate-limited", async () => {
    nock(API).post("/crm/v3/objects/calls/batch/create").reply(429, fixture("rate-limit-429-daily"));
    const results = await nocked.connector.writeActivities([outcome(1, "51")], { checkExisting: false });
    const midnight = Date.parse("2026-02-13T00:00:00.000Z");
    expect(results[0]).toMatchObject({
      ok: false,
      error: { kind: "rate-limited", scope: "daily", waitMs: midnight - NOW },
    });
    // The daily quota covers every request: the burst and the search budgets both stop.
    expect(nocked.setup.rateLimiter.paused).toEqual([
      { bucket: "hubspot:hs1:burst", waitMs: midnight - NOW, reason: expect.stringContaining("DAILY") },
      { bucket: "hubspot:hs1:search", waitMs: midnight - NOW, reason: expect.stringContaining("DAILY") },
    ]);
  });

  it("a connection lost after sending is ambiguous: not retried, reported for a checkExisting retry", async () => {
    const scope = nock(API)
      .post("/crm/v3/objects/calls/batch/create")
      .replyWithError(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }));
    const results = await nocked.connector.writeActivities([outcome(1, "51")], { checkExisting: false });
    scope.done();
    expect(results[0]).toMatchObject({ ok: false, error: { kind: "retry", ambiguous: true } });
  });

  it("rejects a malformed outcome without a request", async () => {
    const results = await nocked.connector.writeActivities([outcome(1, "not-an-id")], {
      checkExisting: false,
    });
    expect(results[0]).toMatchObject({ ok: false, error: { kind: "permanent", code: "INVALID_OUTCOME" } });
  });
});
