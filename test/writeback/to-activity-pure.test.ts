import { describe, expect, it } from "vitest";
import { integrationSchema } from "../../src/config/schema.js";
import type { OutcomeJob } from "../../src/writeback/jobs.js";
import { toActivityWrite, writebackSettings } from "../../src/writeback/to-activity.js";

const salesforce = integrationSchema.parse({
  vendor: "salesforce",
  instanceUrl: "https://example.my.salesforce.com",
  auth: { type: "refresh_token", clientId: "id", clientSecret: "secret", refreshToken: "refresh" },
  writeback: { subject: "{campaign}: {disposition} {unknown}", agentUsers: { "agent-7": "005A7" } },
  dispositions: {
    connected: { value: "Connected", callStatus: "Completed", memberStatus: "Responded" },
    not_interested: { value: "Not Interested", leadUpdates: { Status: "Closed - Not Converted" } },
  },
});

const hubspot = integrationSchema.parse({
  vendor: "hubspot",
  auth: { type: "private_app", accessToken: "token" },
  writeback: { agentOwners: { "ann@example.com": "owner-42" } },
  dispositions: { connected: { value: "f240bbac-87c9-4f6e-bf70-924b57d47db7", callStatus: "COMPLETED" } },
});

function job(
  outcome: Partial<OutcomeJob["outcome"]> = {},
  lead: Partial<OutcomeJob["lead"]> = {},
): OutcomeJob {
  return {
    kind: "outcome",
    outcome: {
      outcomeId: "out-1",
      leadKey: "sf/Lead/00Q1",
      campaign: "q4",
      disposition: "connected",
      startedAt: "2026-11-28T15:04:05.000Z",
      durationSec: 95,
      direction: "outbound",
      ...outcome,
    },
    lead: { integration: "sf", objectType: "Lead", crmId: "00Q1", ...lead },
  };
}

describe("toActivityWrite: an outcome → the activity a connector writes", () => {
  it("carries the call, the mapped disposition and status, the agent's CRM user and the membership status", () => {
    const write = toActivityWrite(
      job(
        { agent: { id: "agent-7" }, notes: "Demo next week", recordingUrl: "https://rec.example/1" },
        { membershipId: "00v9", phone: "+14155550123" },
      ),
      writebackSettings(salesforce),
    );
    expect(write).toEqual({
      outcomeId: "out-1",
      lead: { objectType: "Lead", crmId: "00Q1", membershipId: "00v9" },
      call: {
        direction: "outbound",
        startedAt: "2026-11-28T15:04:05.000Z",
        durationSec: 95,
        // {unknown} is not a template value: left as written
        subject: "q4: Connected {unknown}",
        disposition: "Connected",
        status: "Completed",
        notes: "Demo next week",
        recordingUrl: "https://rec.example/1",
        toNumber: "+14155550123",
        ownerId: "005A7",
      },
      membershipStatus: "Responded",
    });
  });

  it("writes the lead updates of the disposition, and no membership status without a membership", () => {
    const write = toActivityWrite(job({ disposition: "not_interested" }), writebackSettings(salesforce));
    expect(write.leadUpdates).toEqual({ Status: "Closed - Not Converted" });
    expect(write).not.toHaveProperty("membershipStatus");
    expect(write.call.subject).toBe("q4: Not Interested {unknown}");
  });

  it("an unmapped disposition puts its canonical name, in words, in the subject and sets no CRM disposition", () => {
    const write = toActivityWrite(
      job({ disposition: "busy", agent: { id: "agent-unknown" } }),
      writebackSettings(salesforce),
    );
    expect(write.call).toEqual({
      direction: "outbound",
      startedAt: "2026-11-28T15:04:05.000Z",
      durationSec: 95,
      subject: "q4: Busy {unknown}",
    });
    expect(Object.keys(write).sort()).toEqual(["call", "lead", "outcomeId"]);
  });

  it("HubSpot: the title template and the owner found by the agent's email", () => {
    const write = toActivityWrite(
      job({ agent: { id: "a-9", email: "ann@example.com" } }, { integration: "hs", objectType: "contacts" }),
      writebackSettings(hubspot),
    );
    expect(write.call).toEqual({
      direction: "outbound",
      startedAt: "2026-11-28T15:04:05.000Z",
      durationSec: 95,
      subject: "Call: Connected",
      disposition: "f240bbac-87c9-4f6e-bf70-924b57d47db7",
      status: "COMPLETED",
      ownerId: "owner-42",
    });
  });

  it("a revoked consent marks the lead do-not-call", () => {
    expect(toActivityWrite(job({ consentRevoked: true }), writebackSettings(salesforce)).doNotCall).toBe(
      true,
    );
    expect(toActivityWrite(job({ consentRevoked: false }), writebackSettings(salesforce))).not.toHaveProperty(
      "doNotCall",
    );
  });
});
