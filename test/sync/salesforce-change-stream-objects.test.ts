import type { CrmSandbox } from "@telesync/sandbox";
import { afterEach, describe, expect, it } from "vitest";
import type { SalesforceInput } from "../../src/demo/sandbox-config.js";
import { leadKey } from "../../src/model/lead.js";
import { type ConfigInput, eventually, type Harness, startHarness } from "../support/harness.js";

/** Numbers written here, so the E.164 forms below come from the test, not the code. */
const donor = { Name: "Ada Byron", Phone__c: "(212) 555-0147", Stage__c: "Active" };
const person = { FirstName: "Grace", LastName: "Hopper", PersonMobilePhone: "(415) 555-0199" };
const adaE164 = "+12125550147";
const graceE164 = "+14155550199";

const objectSources = (input: ConfigInput): ConfigInput => ({
  ...input,
  integrations: {
    sf: {
      ...(input.integrations.sf as SalesforceInput),
      realtime: { changeDataCapture: true },
      objects: { Donor__c: { doNotCallField: "Do_Not_Call__c" } },
    },
  },
  mappings: {
    donor: {
      fields: [
        { to: "phone", from: "Phone__c", transform: ["phone"], required: true },
        { to: "doNotCall", from: "Do_Not_Call__c", transform: ["boolean"] },
      ],
    },
    person: {
      fields: [
        { to: "phone", from: "PersonMobilePhone", transform: ["phone"], required: true },
        { to: "doNotCall", from: "PersonDoNotCall", transform: ["boolean"] },
      ],
    },
  },
  sources: [
    { id: "leads", integration: "sf", campaign: "q4", mapping: "donor", select: { object: "Donor__c" } },
    {
      id: "people",
      integration: "sf",
      campaign: "q4",
      mapping: "person",
      select: { object: "Account", accounts: "person" },
    },
  ],
});

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const suppressed = async (h: Harness, phone: string) =>
  (await h.service.consent.suppression.entry(phone)) !== undefined;

describe("Salesforce Change Data Capture on custom objects and person accounts", () => {
  it("follows /data/Donor__ChangeEvent and /data/AccountChangeEvent: each object's own do-not-call field is an opt-out", async () => {
    let ids: string[] = [];
    harness = await startHarness({
      configure: objectSources,
      seed: (sandbox: CrmSandbox) => {
        ids = [sandbox.salesforce.insert("Donor__c", donor), sandbox.salesforce.insert("Account", person)];
        return ids;
      },
      service: { schedule: false },
    });
    const h = harness;
    await h.telesync.sync("people");
    const [donorId, accountId] = ids as [string, string];
    // Channel names from the CDC guide ("Subscription Channels"): <Custom>__ChangeEvent for X__c.
    expect(h.service.changeStreams.map((s) => [...s.channels])).toEqual([
      ["/data/AccountChangeEvent", "/data/Donor__ChangeEvent"],
    ]);
    const jobs = async (object: string, id: string) =>
      (await h.telesync.dialQueues.jobsOfLead(leadKey("sf", object, id))).length;
    expect(await jobs("Donor__c", donorId)).toBe(1);
    expect(await jobs("Account", accountId)).toBe(1);

    h.sandbox.salesforce.update("Donor__c", donorId, { Do_Not_Call__c: true });
    await eventually(() => suppressed(h, adaE164), 15_000, "the donor's number suppressed");
    await eventually(async () => (await jobs("Donor__c", donorId)) === 0, 15_000, "the donor dequeued");
    expect(await suppressed(h, graceE164)).toBe(false);

    h.sandbox.salesforce.update("Account", accountId, { PersonDoNotCall: true });
    await eventually(() => suppressed(h, graceE164), 15_000, "the person account's number suppressed");
    await eventually(async () => (await jobs("Account", accountId)) === 0, 15_000, "the person dequeued");
  });
});
