import { describe, expect, it } from "vitest";
import { integrationSchema } from "../../src/config/schema.js";
import type { OutcomeJob } from "../../src/writeback/jobs.js";
import { dispositionLabel, toActivityWrite, writebackSettings } from "../../src/writeback/to-activity.js";

// HubSpot's default call outcomes (calls guide, `hs_call_disposition` takes the outcome's GUID):
// Connected = f240bbac-87c9-4f6e-bf70-924b57d47db7, No answer = 73a0d17f-1163-4015-bdd5-ec830791da20.
const CONNECTED = "f240bbac-87c9-4f6e-bf70-924b57d47db7";
const NO_ANSWER = "73a0d17f-1163-4015-bdd5-ec830791da20";

const job = (disposition: string): OutcomeJob => ({
  kind: "outcome",
  outcome: {
    outcomeId: "o-1",
    leadKey: "hs/contacts/1001",
    campaign: "spring",
    disposition,
    startedAt: "2026-05-01T09:00:00.000Z",
    durationSec: 42,
    direction: "outbound",
  },
  lead: { integration: "hs", objectType: "contacts", crmId: "1001" },
});

describe("the call title names the outcome in words; the CRM's value goes to its own field", () => {
  const hubspot = integrationSchema.parse({
    vendor: "hubspot",
    auth: { type: "private_app", accessToken: "t" },
    dispositions: {
      connected: { value: CONNECTED },
      no_answer: { value: NO_ANSWER, callStatus: "NO_ANSWER" },
    },
    writeback: { title: "{campaign} call: {disposition}" },
  });

  it("HubSpot: hs_call_title gets the canonical disposition's label, hs_call_disposition the outcome GUID", () => {
    const write = toActivityWrite(job("connected"), writebackSettings(hubspot));
    expect(write.call.subject).toBe("spring call: Connected");
    expect(write.call.disposition).toBe(CONNECTED);
    const noAnswer = toActivityWrite(job("no_answer"), writebackSettings(hubspot));
    expect(noAnswer.call.subject).toBe("spring call: No answer");
    expect(noAnswer.call.disposition).toBe(NO_ANSWER);
    expect(noAnswer.call.status).toBe("NO_ANSWER");
  });

  it("HubSpot: an unmapped disposition still reads as words and sets no hs_call_disposition", () => {
    const write = toActivityWrite(job("left_voicemail"), writebackSettings(hubspot));
    expect(write.call.subject).toBe("spring call: Left voicemail");
    expect(write.call.disposition).toBeUndefined();
  });

  it("Salesforce: CallDisposition is already text (the Call Result), so the subject keeps it", () => {
    const salesforce = integrationSchema.parse({
      vendor: "salesforce",
      instanceUrl: "https://acme.my.salesforce.com",
      auth: { type: "refresh_token", clientId: "c", clientSecret: "s", refreshToken: "r" },
      dispositions: { connected: { value: "Spoke with lead" } },
    });
    const write = toActivityWrite(job("connected"), writebackSettings(salesforce));
    expect(write.call.subject).toContain("Spoke with lead");
    expect(write.call.disposition).toBe("Spoke with lead");
  });

  it("labels read as words", () => {
    expect(dispositionLabel("no_answer")).toBe("No answer");
    expect(dispositionLabel("busy")).toBe("Busy");
  });
});
