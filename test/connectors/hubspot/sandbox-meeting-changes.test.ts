import { afterEach, describe, expect, it } from "vitest";
import { HubspotConnector } from "../../../connectors/hubspot/connector.js";
import type { ActivityWrite } from "../../../connectors/types.js";
import { type RunningHubspotSandbox, startHubspotSandbox } from "../../sandbox/hubspot/start.js";
import { hubspotConfig, redisContext } from "./support.js";

let running: RunningHubspotSandbox | undefined;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  await running?.close();
  running = undefined;
});

describe("HubSpot meetings rescheduled and cancelled (sandbox, @hubspot/api-client over HTTP)", () => {
  it("names the meeting in the write result, moves its times once and marks it CANCELED, with a lost answer", async () => {
    running = await startHubspotSandbox({});
    const sandbox = running.sandbox;
    const redis = await redisContext("hs1");
    const connector = new HubspotConnector(hubspotConfig(running.basePath), redis.ctx, {
      sleep: async () => {},
    });
    cleanups.push(
      () => connector.close(),
      () => redis.close(),
    );
    const [contact] = sandbox.seedContacts(1);
    const write: ActivityWrite = {
      outcomeId: "o-1",
      lead: { objectType: "contacts", crmId: contact as string },
      call: {
        direction: "outbound",
        startedAt: "2026-12-01T15:00:00.000Z",
        durationSec: 60,
        subject: "Call",
      },
      appointment: {
        appointmentId: "o-1#appointment",
        startsAt: "2026-12-08T15:00:00.000Z",
        endsAt: "2026-12-08T15:30:00.000Z",
        title: "Demo",
      },
    };
    const [written] = await connector.writeActivities([write], { checkExisting: false });
    const meetingId = written?.ok ? written.appointmentRecordId : undefined;
    expect(sandbox.meetings().map((m) => m.id)).toEqual([meetingId]);

    sandbox.injectFault({ kind: "lost-response", count: 1, match: { kind: "meetings.batchUpdate" } });
    const moved = await connector.changeAppointments([
      {
        changeId: "move-1",
        recordId: meetingId as string,
        change: {
          action: "reschedule",
          startsAt: "2026-12-09T22:00:00.000Z",
          endsAt: "2026-12-09T22:45:00.000Z",
        },
      },
    ]);
    expect(moved).toEqual([{ changeId: "move-1", ok: true }]);
    // Sent twice (the lost answer's repeat), applied as one change: the same values.
    expect(sandbox.stats().byKind["meetings.batchUpdate"]).toBe(2);
    const meeting = () => sandbox.meetings().find((m) => m.id === meetingId)?.properties;
    expect(meeting()).toMatchObject({
      hs_meeting_start_time: "2026-12-09T22:00:00.000Z",
      hs_meeting_end_time: "2026-12-09T22:45:00.000Z",
      hs_meeting_outcome: "SCHEDULED",
    });

    const cancelled = await connector.changeAppointments([
      { changeId: "cancel-1", recordId: meetingId as string, change: { action: "cancel" } },
    ]);
    expect(cancelled).toEqual([{ changeId: "cancel-1", ok: true }]);
    // HubSpot keeps a cancelled meeting, with the outcome CANCELED (meetings guide).
    expect(meeting()).toMatchObject({ hs_meeting_outcome: "CANCELED" });
    expect(sandbox.meetings()).toHaveLength(1);
  });
});
