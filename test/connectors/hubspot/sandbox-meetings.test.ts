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

/** Hand-computed UTC start/end for each appointment pattern (owners: HubSpot owner ids). */
const patterns = [
  { start: "2026-12-08T15:00:00.000Z", end: "2026-12-08T15:30:00.000Z", owner: "9001" },
  { start: "2026-12-08T04:30:00.000Z", end: "2026-12-08T05:30:00.000Z", owner: "9002" },
  { start: "2026-12-09T07:30:00.000Z", end: "2026-12-09T09:00:00.000Z", owner: "9003" },
] as const;

function writes(contacts: readonly string[]): ActivityWrite[] {
  return contacts.map((contactId, i) => {
    const p = patterns[i % patterns.length]!;
    return {
      outcomeId: `o-${i}`,
      lead: { objectType: "contacts", crmId: contactId },
      call: {
        direction: "outbound",
        startedAt: "2026-12-01T15:00:00.000Z",
        durationSec: 60,
        subject: "Call",
      },
      appointment: {
        appointmentId: `o-${i}#appointment`,
        startsAt: p.start,
        endsAt: p.end,
        title: "Demo",
        notes: "Bring <pricing>",
        location: "Zoom",
        ownerId: p.owner,
      },
    };
  });
}

describe("HubSpot meetings for appointments (sandbox, @hubspot/api-client over HTTP, real Redis)", () => {
  it("writes 300 appointments as exactly 300 meetings, also when two of the three meeting batch creates are lost after applying", async () => {
    running = await startHubspotSandbox({});
    const sandbox = running.sandbox;
    sandbox.configureLimits({ searchPerSecond: 1_000, burstLimit: 100_000 });
    const redis = await redisContext("hs1");
    const connector = new HubspotConnector(
      hubspotConfig(running.basePath, { burstLimitPer10s: 100_000, searchRequestsPerSecond: 1_000 }),
      redis.ctx,
      { sleep: async () => {} },
    );
    cleanups.push(
      () => connector.close(),
      () => redis.close(),
    );
    const contacts = sandbox.seedContacts(300);
    sandbox.injectFault({ kind: "lost-response", count: 2, match: { kind: "meetings.batchCreate" } });
    const all = writes(contacts);
    let pending = all;
    let checkExisting = false;
    for (let round = 0; pending.length > 0 && round < 20; round++) {
      const next: ActivityWrite[] = [];
      for (let i = 0; i < pending.length; i += 100) {
        const batch = pending.slice(i, i + 100);
        const results = await connector.writeActivities(batch, { checkExisting });
        results.forEach((result, k) => {
          if (!result.ok) next.push(batch[k]!);
        });
      }
      pending = next;
      checkExisting = true;
    }
    expect(pending).toEqual([]);
    // The faults did fire: some meeting creates were applied but their answers lost.
    expect(Object.values(sandbox.stats().faults).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    const meetings = sandbox.meetings();
    expect(meetings).toHaveLength(300);
    expect(sandbox.calls()).toHaveLength(300);
    expect(new Set(meetings.map((m) => m.properties.telesync_appointment_id)).size).toBe(300);
    const index = new Map(contacts.map((id, i) => [id, i]));
    for (const meeting of meetings) {
      const i = index.get(meeting.contact?.id ?? "");
      expect(i).toBeDefined();
      const p = patterns[(i ?? 0) % patterns.length]!;
      expect(meeting.contact?.typeId).toBe(200);
      expect(Date.parse(meeting.properties.hs_meeting_start_time ?? "")).toBe(Date.parse(p.start));
      expect(Date.parse(meeting.properties.hs_meeting_end_time ?? "")).toBe(Date.parse(p.end));
      expect(meeting.properties).toMatchObject({
        hubspot_owner_id: p.owner,
        hs_meeting_title: "Demo",
        hs_meeting_location: "Zoom",
        hs_meeting_body: "Bring &lt;pricing&gt;",
      });
    }
  });
});
