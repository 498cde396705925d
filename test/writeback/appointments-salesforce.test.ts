import { afterEach, describe, expect, it } from "vitest";
import { eventually, type Harness, outcomeBody, startHarness } from "../support/harness.js";

/** Local start times with their offsets, and the UTC start/end computed by hand. */
const cases = [
  {
    startsAt: "2026-12-08T10:00:00-05:00",
    durationMin: 30,
    start: "2026-12-08T15:00:00.000Z",
    end: "2026-12-08T15:30:00.000Z",
  },
  {
    startsAt: "2026-12-08T10:00:00+02:00",
    durationMin: 45,
    start: "2026-12-08T08:00:00.000Z",
    end: "2026-12-08T08:45:00.000Z",
  },
  {
    startsAt: "2026-12-08T10:00:00+05:30",
    durationMin: 60,
    start: "2026-12-08T04:30:00.000Z",
    end: "2026-12-08T05:30:00.000Z",
  },
  {
    startsAt: "2026-12-08T23:30:00-08:00",
    durationMin: 90,
    start: "2026-12-09T07:30:00.000Z",
    end: "2026-12-09T09:00:00.000Z",
  },
  {
    startsAt: "2026-12-08T00:15:00+09:00",
    durationMin: 20,
    start: "2026-12-07T15:15:00.000Z",
    end: "2026-12-07T15:35:00.000Z",
  },
] as const;

/** Clients lease and report, each outcome with an appointment; returns outcomeId → case index. */
async function bookAll(h: Harness, clients: number): Promise<Map<string, number>> {
  const booked = new Map<string, number>();
  let n = 0;
  await Promise.all(
    Array.from({ length: clients }, async (_v, client) => {
      for (;;) {
        const leased = await h.call("POST", "/v1/campaigns/q4/leases");
        if (leased.status === 204) return;
        const { leaseId } = (await leased.json()) as { leaseId: string };
        const which = n++ % cases.length;
        const outcomeId = `appt-${client}-${booked.size}-${which}`;
        const { startsAt, durationMin } = cases[which]!;
        const response = await h.call(
          "POST",
          `/v1/leases/${leaseId}/outcome`,
          outcomeBody(outcomeId, {
            appointment: {
              startsAt,
              durationMin,
              title: "Demo",
              notes: "Bring pricing",
              owner: { id: "agent-7" },
              location: "Zoom",
            },
          }),
        );
        expect(response.status).toBe(202);
        booked.set(outcomeId, which);
      }
    }),
  );
  return booked;
}

async function drained(h: Harness): Promise<boolean> {
  const counts = await h.service.intake
    .queue("sf")
    .getJobCounts("waiting", "active", "delayed", "prioritized");
  return Object.values(counts).every((count) => count === 0);
}

function checkEvents(h: Harness, booked: Map<string, number>): void {
  const events = h.sandbox.salesforce.all("Event");
  expect(events).toHaveLength(booked.size);
  expect(new Set(events.map((e) => e.Telesync_Appointment_Id__c)).size).toBe(booked.size);
  const outcomeOfLead = new Map(h.sandbox.salesforce.all("Task").map((t) => [t.WhoId, String(t.CallObject)]));
  for (const event of events) {
    const outcomeId = outcomeOfLead.get(event.WhoId);
    expect(outcomeId, "every Event is on a lead whose call was logged").toBeDefined();
    const expected = cases[booked.get(outcomeId ?? "") ?? -1];
    expect(expected).toBeDefined();
    expect(new Date(Date.parse(String(event.StartDateTime))).toISOString()).toBe(expected?.start);
    expect(new Date(Date.parse(String(event.EndDateTime))).toISOString()).toBe(expected?.end);
    expect(event).toMatchObject({
      Subject: "Demo",
      Description: "Bring pricing",
      Location: "Zoom",
      OwnerId: h.agentUserId,
    });
  }
}

describe("appointments → Salesforce Events (sandbox, real jsforce, real Redis, real HTTP)", () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it("writes 300 appointments as exactly 300 Events with the right owners and UTC times", async () => {
    h = await startHarness({ leads: 300, service: { writeback: { batchWindowMs: 500 } } });
    h.sandbox.salesforce.resetStats();
    const booked = await bookAll(h, 10);
    expect(booked.size).toBe(300);
    await eventually(
      async () => h.sandbox.salesforce.all("Event").length === 300 && (await drained(h)),
      60_000,
      "300 Events",
    );
    checkEvents(h, booked);
    const requests = h.sandbox.salesforce.stats()["composite-create"];
    // Figure for the report (Tasks and Events share the collections endpoint): 600 records in all.
    console.info(
      `appointments: 600 Tasks+Events in ${requests} collections create requests (${(600 / requests).toFixed(1)} records/request)`,
    );
    expect(await h.service.deadLetters.count()).toBe(0);
  });

  it("still writes exactly 300 Events when 20% of create responses are lost after the write applied", async () => {
    h = await startHarness({ leads: 300, service: { writeback: { batchWindowMs: 200 } } });
    h.sandbox.salesforce.injectFault({
      kind: "lost-response",
      count: 10_000,
      match: { kind: "composite-create", probability: 0.2 },
    });
    const booked = await bookAll(h, 10);
    await eventually(() => drained(h), 90_000, "writeback to drain");
    checkEvents(h, booked);
    expect(h.sandbox.salesforce.all("Task")).toHaveLength(300);
    expect(await h.service.deadLetters.count()).toBe(0);
  });
});
