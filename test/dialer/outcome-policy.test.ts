import { describe, expect, it } from "vitest";
import { campaignSchema } from "../../src/config/schema.js";
import { nextStep } from "../../src/dialer/outcome-policy.js";

/** A campaign with one policy of each kind; durations as a config file writes them. */
const campaign = campaignSchema.parse({
  outcomes: {
    no_answer: { action: "retry", delay: "1h", maxAttempts: 3 },
    busy: { action: "retry", delay: "30m", maxAttempts: 1 },
    callback: { action: "callback" },
    call_me_later: { action: "callback", fallbackDelay: "2h" },
    connected: { action: "done" },
    wrong_number: { action: "suppress" },
  },
});
const now = new Date("2026-11-30T12:00:00.000Z");

describe("nextStep: what happens to a lead after an outcome", () => {
  it.each([
    // disposition, attemptsBefore, expected (times written out by hand from `now` + the policy)
    ["no_answer", 0, { action: "retry", at: new Date("2026-11-30T13:00:00.000Z"), attempts: 1 }],
    ["no_answer", 1, { action: "retry", at: new Date("2026-11-30T13:00:00.000Z"), attempts: 2 }],
    // the third attempt reaches maxAttempts 3: no fourth call
    ["no_answer", 2, { action: "done" }],
    ["no_answer", 7, { action: "done" }],
    // maxAttempts 1: the first call is the last
    ["busy", 0, { action: "done" }],
    ["connected", 0, { action: "done" }],
    ["wrong_number", 0, { action: "suppress" }],
    // not in the campaign's outcomes: done
    ["not_interested", 4, { action: "done" }],
  ] as const)("%s after %i earlier attempts → %o", (disposition, attemptsBefore, expected) => {
    expect(nextStep({ campaign, disposition, attemptsBefore, now })).toEqual(expected);
  });

  it("a callback goes at the time the agent asked for", () => {
    expect(
      nextStep({
        campaign,
        disposition: "callback",
        attemptsBefore: 1,
        callbackAt: "2026-12-01T09:30:00Z",
        now,
      }),
    ).toEqual({ action: "callback", at: new Date("2026-12-01T09:30:00.000Z"), attempts: 2 });
  });

  it("a callback without a time falls back to the policy's delay (default one day)", () => {
    expect(nextStep({ campaign, disposition: "callback", attemptsBefore: 0, now })).toEqual({
      action: "callback",
      at: new Date("2026-12-01T12:00:00.000Z"),
      attempts: 1,
    });
    expect(nextStep({ campaign, disposition: "call_me_later", attemptsBefore: 0, now })).toEqual({
      action: "callback",
      at: new Date("2026-11-30T14:00:00.000Z"),
      attempts: 1,
    });
  });

  it("a callback time in the past means now, never earlier", () => {
    expect(
      nextStep({
        campaign,
        disposition: "callback",
        attemptsBefore: 0,
        callbackAt: "2026-11-29T08:00:00Z",
        now,
      }),
    ).toEqual({ action: "callback", at: new Date("2026-11-30T12:00:00.000Z"), attempts: 1 });
  });

  it("a callback time with a disposition that has no policy still schedules the call", () => {
    expect(
      nextStep({
        campaign,
        disposition: "voicemail",
        attemptsBefore: 2,
        callbackAt: "2026-11-30T16:00:00Z",
        now,
      }),
    ).toEqual({ action: "callback", at: new Date("2026-11-30T16:00:00.000Z"), attempts: 3 });
  });

  it("a revoked consent suppresses whatever the disposition and policy say", () => {
    for (const disposition of ["no_answer", "callback", "connected", "unknown"])
      expect(
        nextStep({
          campaign,
          disposition,
          attemptsBefore: 0,
          callbackAt: "2026-12-01T09:30:00Z",
          consentRevoked: true,
          now,
        }),
      ).toEqual({ action: "suppress" });
  });
});
