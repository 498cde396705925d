import { describe, expect, it } from "vitest";
import type { ActivityWrite } from "../../../connectors/types.js";
import { api, fixture, instance, storedToken, useSalesforceHarness } from "./helpers.js";

const A1 = "00QRO000001aAAAAA1";
const A3 = "00QRO000001aAAAAA3";
const M1 = "00vRO000000mAAAAA1";
const T1 = "00TRO000004dAAAAA1";
const T3 = "00TRO000004dAAAAA3";

function activity(outcomeId: string, crmId: string, extra: Partial<ActivityWrite> = {}): ActivityWrite {
  return {
    outcomeId,
    lead: { objectType: "Lead", crmId },
    call: {
      direction: "outbound",
      startedAt: "2024-05-01T09:15:00Z",
      durationSec: 30,
      subject: "Call: No answer",
    },
    ...extra,
  };
}

const full = activity("out-1", A1, {
  lead: { objectType: "Lead", crmId: A1, membershipId: M1 },
  call: {
    direction: "outbound",
    startedAt: "2024-05-01T21:15:00-07:00",
    durationSec: 125.4,
    disposition: "Connected",
    subject: "Call: Connected",
    notes: "Asked for a callback",
    recordingUrl: "https://rec.example/1.mp3",
    ownerId: "005RO000000xyzAYAQ",
  },
  leadUpdates: { Status: "Working - Contacted" },
  membershipStatus: "Responded",
  doNotCall: true,
});
const badWho = activity("out-2", "00QRO000001aZZZZZZ");
const locked = activity("out-3", A3, {
  call: {
    direction: "inbound",
    startedAt: "2024-05-01T10:00:00Z",
    durationSec: 0,
    subject: "Call",
    status: "Done",
  },
  leadUpdates: { Status: "Working - Contacted" },
});
const notALead = activity("out-4", "006RO000003cAAAAA1", {
  lead: { objectType: "Opportunity", crmId: "006RO000003cAAAAA1" },
});

const task = (fields: Record<string, unknown>) => ({
  attributes: { type: "Task" },
  TaskSubtype: "Call",
  ...fields,
});

describe("Salesforce writes (nock, sObject Collections formats)", () => {
  const h = useSalesforceHarness();

  it("creates one Task per outcome, then merged record updates; one result per input, in order", async () => {
    await h.tokens.set("sf", storedToken);
    instance()
      .post(`${api}/composite/sobjects`, {
        allOrNone: false,
        records: [
          task({
            CallType: "Outbound",
            CallDurationInSeconds: 125,
            CallObject: "out-1",
            WhoId: A1,
            Subject: "Call: Connected",
            Status: "Completed",
            ActivityDate: "2024-05-01",
            CallDisposition: "Connected",
            Description: "Asked for a callback\n\nRecording: https://rec.example/1.mp3",
            OwnerId: "005RO000000xyzAYAQ",
          }),
          task({
            CallType: "Outbound",
            CallDurationInSeconds: 30,
            CallObject: "out-2",
            WhoId: "00QRO000001aZZZZZZ",
            Subject: "Call: No answer",
            Status: "Completed",
            ActivityDate: "2024-05-01",
          }),
          task({
            CallType: "Inbound",
            CallDurationInSeconds: 0,
            CallObject: "out-3",
            WhoId: A3,
            Subject: "Call",
            Status: "Done",
            ActivityDate: "2024-05-01",
          }),
        ],
      })
      .reply(200, fixture("collections-create-tasks.json"))
      .patch(`${api}/composite/sobjects`, {
        allOrNone: false,
        records: [
          { attributes: { type: "Lead" }, Id: A1, Status: "Working - Contacted", DoNotCall: true },
          { attributes: { type: "CampaignMember" }, Id: M1, Status: "Responded" },
          { attributes: { type: "Lead" }, Id: A3, Status: "Working - Contacted" },
        ],
      })
      .reply(200, fixture("collections-update.json"));

    const results = await h
      .connector()
      .writeActivities([full, badWho, locked, notALead], { checkExisting: false });

    expect(results).toEqual([
      { outcomeId: "out-1", ok: true, activityId: T1, alreadyExisted: false },
      {
        outcomeId: "out-2",
        ok: false,
        error: {
          kind: "permanent",
          code: "INVALID_CROSS_REFERENCE_KEY",
          reason:
            "INVALID_CROSS_REFERENCE_KEY: Name ID: id value of incorrect type: 00QRO000001aZZZZZZ (WhoId)",
        },
      },
      {
        outcomeId: "out-3",
        ok: false,
        error: {
          kind: "retry",
          ambiguous: true,
          reason: expect.stringMatching(
            new RegExp(`^Task ${T3} is stored; Lead ${A3} update failed: UNABLE_TO_LOCK_ROW`),
          ),
        },
      },
      {
        outcomeId: "out-4",
        ok: false,
        error: {
          kind: "permanent",
          reason: 'lead object "Opportunity" is not Lead, Contact, Account or a custom object',
        },
      },
    ]);
  });

  it("checkExisting after a lost response: finds stored Tasks by CallObject, creates only the rest, re-applies updates", async () => {
    await h.tokens.set("sf", storedToken);
    const first = activity("out-1", A1, { leadUpdates: { Status: "Working - Contacted" } });
    const second = activity("out-3", A3, { leadUpdates: { Status: "Nurture" } });
    const third = activity("out-5", A1, { leadUpdates: { Rating: "Hot" } });
    instance()
      .get(`${api}/query`)
      .query({ q: "SELECT Id, CallObject FROM Task WHERE CallObject IN ('out-1', 'out-3', 'out-5')" })
      .reply(200, fixture("query-tasks-by-callobject.json"))
      .post(
        `${api}/composite/sobjects`,
        (body) => body.records.map((r: { CallObject: string }) => r.CallObject).join() === "out-3,out-5",
      )
      .reply(200, [
        { id: T3, success: true, errors: [] },
        { id: "00TRO000004dAAAAA5", success: true, errors: [] },
      ])
      .patch(`${api}/composite/sobjects`, {
        allOrNone: false,
        records: [
          // Two updates of one lead in one batch: merged into one record.
          { attributes: { type: "Lead" }, Id: A1, Status: "Working - Contacted", Rating: "Hot" },
          { attributes: { type: "Lead" }, Id: A3, Status: "Nurture" },
        ],
      })
      .reply(200, [
        { id: A1, success: true, errors: [] },
        { id: A3, success: true, errors: [] },
      ]);

    const results = await h.connector().writeActivities([first, second, third], { checkExisting: true });

    expect(results).toEqual([
      { outcomeId: "out-1", ok: true, activityId: T1, alreadyExisted: true },
      { outcomeId: "out-3", ok: true, activityId: T3, alreadyExisted: false },
      { outcomeId: "out-5", ok: true, activityId: "00TRO000004dAAAAA5", alreadyExisted: false },
    ]);
  });

  it("a failed create request is thrown once (jsforce never retries POST) and classified ambiguous", async () => {
    await h.tokens.set("sf", storedToken);
    instance().post(`${api}/composite/sobjects`).reply(503, fixture("error-server-unavailable.json"));
    const connector = h.connector();
    const error = await connector
      .writeActivities([badWho], { checkExisting: false })
      .catch((e: unknown) => e);
    expect(connector.classifyError(error)).toMatchObject({
      kind: "retry",
      ambiguous: true,
      reason: expect.stringContaining("SERVER_UNAVAILABLE"),
    });
  });

  it("a 429 keeps its Retry-After through jsforce", async () => {
    await h.tokens.set("sf", storedToken);
    instance()
      .post(`${api}/composite/sobjects`)
      .reply(429, "Too Many Requests", { "Retry-After": "7", "Content-Type": "text/plain" });
    const connector = h.connector();
    const error = await connector
      .writeActivities([badWho], { checkExisting: false })
      .catch((e: unknown) => e);
    expect(connector.classifyError(error)).toMatchObject({
      kind: "rate-limited",
      scope: "burst",
      waitMs: 7_000,
    });
  });

  it("REQUEST_LIMIT_EXCEEDED is the daily quota", async () => {
    await h.tokens.set("sf", storedToken);
    instance().post(`${api}/composite/sobjects`).reply(403, fixture("error-request-limit.json"));
    const connector = h.connector();
    const error = await connector
      .writeActivities([badWho], { checkExisting: false })
      .catch((e: unknown) => e);
    expect(connector.classifyError(error)).toMatchObject({ kind: "rate-limited", scope: "daily" });
  });

  it("when the update request itself fails after Tasks were stored, each item says so and asks for a checked retry", async () => {
    await h.tokens.set("sf", storedToken);
    instance()
      .post(`${api}/composite/sobjects`)
      .reply(200, [{ id: T1, success: true, errors: [] }])
      .patch(`${api}/composite/sobjects`)
      .replyWithError(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }));
    const results = await h
      .connector()
      .writeActivities([activity("out-1", A1, { doNotCall: true })], { checkExisting: false });
    expect(results).toEqual([
      {
        outcomeId: "out-1",
        ok: false,
        error: {
          kind: "retry",
          ambiguous: true,
          reason: expect.stringMatching(new RegExp(`^Task ${T1} is stored; Lead ${A1} update failed`)),
        },
      },
    ]);
  });

  it("refuses more than 200 items", async () => {
    const batch = Array.from({ length: 201 }, (_, i) => activity(`out-${i}`, A1));
    await expect(h.connector().writeActivities(batch, { checkExisting: false })).rejects.toThrow(
      /at most 200/,
    );
  });
});
