import { afterEach, describe, expect, it } from "vitest";
import { eventually, type Harness, outcomeBody, startHarness } from "../support/harness.js";

interface Receipt {
  state: string;
  records?: Array<{ role: string; objectType: string; id: string; fields?: string[] }>;
}

const utc = (value: unknown) => new Date(Date.parse(String(value))).toISOString();

describe("appointments rescheduled and cancelled by id (sandbox, real jsforce, real Redis)", () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it("moves the Event once and deletes it once, each with lost answers retried, each with a receipt", async () => {
    h = await startHarness({ leads: 2, service: { writeback: { batchWindowMs: 5 } } });
    const sf = h.sandbox.salesforce;
    const leased = (await (await h.call("POST", "/v1/campaigns/q4/leases")).json()) as { leaseId: string };
    const set = await h.call(
      "POST",
      `/v1/leases/${leased.leaseId}/outcome`,
      outcomeBody("appt-1", {
        appointment: { startsAt: "2026-12-08T10:00:00-05:00", durationMin: 30, title: "Demo" },
      }),
    );
    expect(set.status).toBe(202);
    const appointment = encodeURIComponent("appt-1#appointment");
    const outcome = async () => (await (await h.call("GET", "/v1/outcomes/appt-1")).json()) as Receipt;
    await eventually(async () => (await outcome()).state === "written", 30_000, "appointment written");
    const eventRecord = (await outcome()).records?.find((r) => r.role === "appointment");
    expect(eventRecord?.objectType).toBe("Event");
    const eventId = eventRecord?.id as string;
    expect(sf.get("Event", eventId)).toMatchObject({ Subject: "Demo" });

    // Reschedule: 14:00 at -08:00 is 22:00 UTC (by hand); 45 minutes → 22:45. The first answer is lost.
    sf.injectFault({ kind: "lost-response", count: 1, match: "composite-update" });
    const body = { changeId: "move-1", startsAt: "2026-12-09T14:00:00-08:00", durationMin: 45 };
    const moved = await h.call("PATCH", `/v1/appointments/${appointment}`, body);
    expect(moved.status).toBe(202);
    expect(await moved.json()).toEqual({
      accepted: true,
      appointmentId: "appt-1#appointment",
      changeId: "move-1",
    });
    // The dialer repeats the request: the same change.
    expect((await h.call("PATCH", `/v1/appointments/${appointment}`, body)).status).toBe(202);
    const change = async (id: string) =>
      (await (await h.call("GET", `/v1/appointments/${appointment}/changes/${id}`)).json()) as Receipt;
    await eventually(async () => (await change("move-1")).state === "written", 30_000, "reschedule written");
    expect((await change("move-1")).records).toMatchObject([
      { role: "appointment", objectType: "Event", id: eventId },
    ]);
    const event = sf.get("Event", eventId);
    expect(utc(event?.StartDateTime)).toBe("2026-12-09T22:00:00.000Z");
    expect(utc(event?.EndDateTime)).toBe("2026-12-09T22:45:00.000Z");
    expect(sf.all("Event")).toHaveLength(1);
    // The lost update and its retry: the repeated request added no third.
    expect(sf.stats()["composite-update"]).toBe(2);

    // Cancel: the Event is deleted; the lost answer's retry finds it deleted already, which is done.
    sf.injectFault({ kind: "lost-response", count: 1, match: "composite-delete" });
    const cancelled = await h.call("POST", `/v1/appointments/${appointment}/cancel`, {
      changeId: "cancel-1",
    });
    expect(cancelled.status).toBe(202);
    await eventually(async () => (await change("cancel-1")).state === "written", 30_000, "cancel written");
    expect(sf.get("Event", eventId)?.IsDeleted).toBe(true);
    expect(sf.all("Event")).toHaveLength(0);
    expect(sf.stats()["composite-delete"]).toBe(2);
  });

  it("refuses unknown appointments (404), appointments not written yet (409) and unknown body keys (400)", async () => {
    h = await startHarness({ leads: 2 });
    const unknown = await h.call("PATCH", `/v1/appointments/${encodeURIComponent("nope#appointment")}`, {
      changeId: "c",
      startsAt: "2026-12-09T14:00:00-08:00",
      durationMin: 45,
    });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: "appointment_not_found" });
    // Outcomes wait in a batch window of 2 s: the appointment is accepted, not yet in the CRM.
    h.sandbox.salesforce.injectFault({
      kind: "timeout",
      delayMs: 3_000,
      count: 1,
      match: "composite-create",
    });
    const leased = (await (await h.call("POST", "/v1/campaigns/q4/leases")).json()) as { leaseId: string };
    await h.call(
      "POST",
      `/v1/leases/${leased.leaseId}/outcome`,
      outcomeBody("appt-2", {
        appointment: { startsAt: "2026-12-08T10:00:00Z", durationMin: 30, title: "Demo" },
      }),
    );
    const early = await h.call(
      "POST",
      `/v1/appointments/${encodeURIComponent("appt-2#appointment")}/cancel`,
      {
        changeId: "c",
      },
    );
    expect(early.status).toBe(409);
    expect(await early.json()).toMatchObject({ error: "appointment_not_written" });
    const strict = await h.call(
      "POST",
      `/v1/appointments/${encodeURIComponent("appt-2#appointment")}/cancel`,
      {
        changeId: "c",
        reason: "unknown key",
      },
    );
    expect(strict.status).toBe(400);
  });
});
