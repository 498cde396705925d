import nock from "nock";
import { describe, expect, it } from "vitest";
import { API, fixture, outcome, useNockedConnector } from "./support.js";

const nocked = useNockedConnector();

describe("HubSpot contract: writing calls", () => {
  it("creates calls with the documented properties (duration in ms), association 194 and a trace id; matches results by trace id", async () => {
    let sent: unknown;
    const scope = nock(API)
      .post("/crm/v3/objects/calls/batch/create", (body) => {
        sent = body;
        return true;
      })
      .matchHeader("authorization", "Bearer sandbox-token")
      .reply(201, fixture("calls-batch-create-201"));
    const results = await nocked.connector.writeActivities(
      [
        outcome(1, "51"),
        outcome(2, "52", {
          call: (({ notes: _notes, ...call }) => ({
            ...call,
            direction: "inbound" as const,
            status: "NO_ANSWER",
          }))(outcome(2, "52").call),
        }),
      ],
      {
        checkExisting: false,
      },
    );
    scope.done();
    expect(sent).toEqual({
      inputs: [
        {
          properties: {
            hs_timestamp: "2026-02-12T09:51:00.000Z",
            hs_call_direction: "OUTBOUND",
            hs_call_status: "COMPLETED",
            hs_call_duration: "95000",
            hs_call_title: "Call: connected",
            telesync_outcome_id: "out-1",
            hs_call_disposition: "f240bbac-87c9-4f6e-bf70-924b57d47db7",
            hs_call_body: "Interested.<br>Call back &lt;Tuesday&gt; &amp; bring pricing",
            hs_call_to_number: "+14155550101",
            hs_call_from_number: "+14155559999",
            hs_call_recording_url: "https://rec.example.com/a.mp3",
            hubspot_owner_id: "77",
          },
          associations: [
            { to: { id: "51" }, types: [{ associationCategory: "HUBSPOT_DEFINED", associationTypeId: 194 }] },
          ],
          objectWriteTraceId: "out-1",
        },
        expect.objectContaining({
          properties: expect.objectContaining({
            hs_call_direction: "INBOUND",
            hs_call_status: "NO_ANSWER",
            hs_call_duration: "0",
          }),
          objectWriteTraceId: "out-2",
        }),
      ],
    });
    // The fixture answers out-2 first: results still follow the input order.
    expect(results).toEqual([
      { outcomeId: "out-1", ok: true, activityId: "90001", alreadyExisted: false },
      { outcomeId: "out-2", ok: true, activityId: "90002", alreadyExisted: false },
    ]);
    expect(nocked.setup.rateLimiter.acquired).toEqual([
      { bucket: "hubspot:hs1:burst", max: 100, windowMs: 10_300 },
    ]);
  });

  it("207 multi-status: the input named in errors[].context fails alone", async () => {
    nock(API).post("/crm/v3/objects/calls/batch/create").reply(207, fixture("calls-batch-create-207"));
    const results = await nocked.connector.writeActivities([outcome(1, "51"), outcome(2, "777")], {
      checkExisting: false,
    });
    expect(results[0]).toEqual({ outcomeId: "out-1", ok: true, activityId: "90001", alreadyExisted: false });
    expect(results[1]).toMatchObject({
      outcomeId: "out-2",
      ok: false,
      error: { kind: "permanent", code: "VALIDATION_ERROR" },
    });
  });

  it("checkExisting: searches calls by the outcome-id property (IN) and creates only the missing ones", async () => {
    let searched: unknown;
    let created: { inputs: { objectWriteTraceId: string }[] } | undefined;
    nock(API)
      .post("/crm/v3/objects/calls/search", (body) => {
        searched = body;
        return true;
      })
      .reply(200, fixture("calls-search-existing"));
    nock(API)
      .post("/crm/v3/objects/calls/batch/create", (body) => {
        created = body;
        return true;
      })
      .reply(201, {
        ...fixture("calls-batch-create-201"),
        results: [(fixture("calls-batch-create-201") as { results: unknown[] }).results[0]],
      });
    const results = await nocked.connector.writeActivities([outcome(1, "51"), outcome(2, "52")], {
      checkExisting: true,
    });
    expect(searched).toEqual({
      filterGroups: [
        { filters: [{ propertyName: "telesync_outcome_id", operator: "IN", values: ["out-1", "out-2"] }] },
      ],
      sorts: ["hs_object_id"],
      properties: ["telesync_outcome_id"],
      limit: 200,
      after: "0",
    });
    expect(created?.inputs.map((i) => i.objectWriteTraceId)).toEqual(["out-2"]);
    expect(results).toEqual([
      { outcomeId: "out-1", ok: true, activityId: "88001", alreadyExisted: true },
      { outcomeId: "out-2", ok: true, activityId: "90002", alreadyExisted: false },
    ]);
    // The search takes only the search budget (HubSpot limits searches on their own).
    expect(nocked.setup.rateLimiter.acquired.map((a) => a.bucket)).toEqual([
      "hubspot:hs1:search",
      "hubspot:hs1:burst",
    ]);
    expect(nocked.setup.rateLimiter.acquired[0]).toEqual({
      bucket: "hubspot:hs1:search",
      max: 5,
      windowMs: 1_300,
    });
  });

  it("updates the contact (lead status, do-not-call) in one batch before creating the calls", async () => {
    const order: string[] = [];
    let updated: unknown;
    nock(API)
      .post("/crm/v3/objects/contacts/batch/update", (body) => {
        order.push("update");
        updated = body;
        return true;
      })
      .reply(200, fixture("contacts-batch-update-200"));
    nock(API)
      .post("/crm/v3/objects/calls/batch/create", () => {
        order.push("create");
        return true;
      })
      .reply(201, fixture("calls-batch-create-201"));
    await nocked.connector.writeActivities(
      [
        outcome(1, "51", {
          leadUpdates: { hs_lead_status: "ATTEMPTED_TO_CONTACT", score: 3, vip: false, note: null },
        }),
        outcome(2, "51", { doNotCall: true }),
      ],
      { checkExisting: false },
    );
    expect(order).toEqual(["update", "create"]);
    expect(updated).toEqual({
      inputs: [
        {
          id: "51",
          properties: {
            hs_lead_status: "ATTEMPTED_TO_CONTACT",
            score: "3",
            vip: "false",
            note: "",
            telesync_do_not_call: "true",
          },
        },
      ],
    });
  });
});

describe("HubSpot contract: consent", () => {
  it("sets and lifts the do-not-call property with a batch update; the later change to a contact wins", async () => {
    let updated: unknown;
    nock(API)
      .post("/crm/v3/objects/contacts/batch/update", (body) => {
        updated = body;
        return true;
      })
      .reply(207, {
        ...fixture("contacts-batch-update-200"),
        numErrors: 1,
        errors: [
          {
            status: "error",
            category: "OBJECT_NOT_FOUND",
            message: "Could not get some CONTACT objects",
            context: { ids: ["53"] },
          },
        ],
      });
    const results = await nocked.connector.writeConsent([
      { id: "c1", lead: { objectType: "contacts", crmId: "51" }, doNotCall: false },
      { id: "c2", lead: { objectType: "contacts", crmId: "51" }, doNotCall: true },
      { id: "c3", lead: { objectType: "contacts", crmId: "53" }, doNotCall: false },
    ]);
    expect(updated).toEqual({
      inputs: [
        { id: "51", properties: { telesync_do_not_call: "true" } },
        { id: "53", properties: { telesync_do_not_call: "false" } },
      ],
    });
    expect(results).toEqual([
      { id: "c1", ok: true },
      { id: "c2", ok: true },
      {
        id: "c3",
        ok: false,
        error: expect.objectContaining({ kind: "permanent", code: "OBJECT_NOT_FOUND" }),
      },
    ]);
  });
});
