import { describe, expect, it } from "vitest";
import { integrationSchema } from "../../src/config/schema.js";
import type { OutcomeJob } from "../../src/writeback/jobs.js";
import { toActivityWrite, writebackSettings } from "../../src/writeback/to-activity.js";

const job: OutcomeJob = {
  kind: "outcome",
  outcome: {
    outcomeId: "out-1",
    leadKey: "crm/Lead/00Q000000000001AAA",
    campaign: "q4",
    disposition: "no_answer",
    startedAt: "2026-11-30T15:00:00.000Z",
    durationSec: 12,
    direction: "outbound",
    agent: { email: "ana@example.com" },
  },
  lead: { integration: "crm", objectType: "Lead", crmId: "00Q000000000001AAA", phone: "+14155550100" },
};

describe("toActivityWrite with each vendor's writeback settings, normalised by its connector", () => {
  it("Salesforce: Task subject template and agent → User id come from writeback.subject / agentUsers", () => {
    const integration = integrationSchema.parse({
      vendor: "salesforce",
      instanceUrl: "https://acme.my.salesforce.com",
      auth: { type: "client_credentials", clientId: "id", clientSecret: "secret" },
      writeback: {
        subject: "{campaign} call: {disposition}",
        agentUsers: { "ana@example.com": "005000000000001AAA" },
      },
      dispositions: { no_answer: { value: "No Answer", callStatus: "Completed" } },
    });
    const write = toActivityWrite(job, writebackSettings(integration));
    expect(write.call.subject).toBe("q4 call: No Answer");
    expect(write.call.ownerId).toBe("005000000000001AAA");
    expect(write.call.disposition).toBe("No Answer");
    expect(write.call.status).toBe("Completed");
    expect(write.call.toNumber).toBe("+14155550100");
  });

  it("HubSpot: call title template and agent → owner id come from writeback.title / agentOwners", () => {
    const integration = integrationSchema.parse({
      vendor: "hubspot",
      auth: { type: "private_app", accessToken: "token" },
      writeback: { title: "Dialer: {disposition}", agentOwners: { "ana@example.com": "7012345" } },
      dispositions: { no_answer: { value: "73a0d17f-1163-4015-bdd5-ec830791da20" } },
    });
    const write = toActivityWrite(job, writebackSettings(integration));
    // The title is for people: the outcome GUID stays in hs_call_disposition, not in the title.
    expect(write.call.subject).toBe("Dialer: No answer");
    expect(write.call.ownerId).toBe("7012345");
    expect(write.call.disposition).toBe("73a0d17f-1163-4015-bdd5-ec830791da20");
  });

  it("an unmapped disposition puts its canonical name, in words, in the subject and sets no CRM disposition", () => {
    const write = toActivityWrite(job, {
      dispositions: {},
      activity: { subjectTemplate: "Call: {disposition}", agentOwners: {}, dispositionValueIsText: true },
    });
    expect(write.call.subject).toBe("Call: No answer");
    expect(write.call.disposition).toBeUndefined();
    expect(write.call.ownerId).toBeUndefined();
  });
});

describe("toActivityWrite: appointments", () => {
  const settings = {
    dispositions: {},
    activity: {
      subjectTemplate: "Call: {disposition}",
      agentOwners: { "ana@example.com": "005A", "bo@example.com": "005B" },
      dispositionValueIsText: true,
    },
  };

  it("converts a start with an offset to UTC, adds the duration across midnight, and derives the id from the outcomeId", () => {
    const write = toActivityWrite(
      {
        ...job,
        outcome: {
          ...job.outcome,
          appointment: {
            startsAt: "2026-12-08T23:30:00-08:00",
            durationMin: 90,
            title: "Demo",
            location: "Zoom",
          },
        },
      },
      settings,
    );
    // 23:30 at UTC-8 is 07:30 UTC the next day; +90 min is 09:00 UTC. Owner: the call's agent.
    expect(write.appointment).toEqual({
      appointmentId: "out-1#appointment",
      startsAt: "2026-12-09T07:30:00.000Z",
      endsAt: "2026-12-09T09:00:00.000Z",
      title: "Demo",
      location: "Zoom",
      ownerId: "005A",
    });
  });

  it("maps the appointment's own owner through the agent map", () => {
    const write = toActivityWrite(
      {
        ...job,
        outcome: {
          ...job.outcome,
          appointment: {
            startsAt: "2026-12-08T10:00:00+05:30",
            durationMin: 30,
            title: "Demo",
            owner: { email: "bo@example.com" },
          },
        },
      },
      settings,
    );
    expect(write.appointment).toMatchObject({
      startsAt: "2026-12-08T04:30:00.000Z",
      endsAt: "2026-12-08T05:00:00.000Z",
      ownerId: "005B",
    });
  });
});
