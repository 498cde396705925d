import { describe, expect, it } from "vitest";
import {
  changeEventMeaning,
  changeEventMessageSchema,
  channelsForSelects,
  doNotCallFieldsOf,
  isExpiredReplay,
} from "../../../connectors/salesforce/change-events.js";

/**
 * `data` of a CometD change event as the Change Data Capture Developer Guide shows it ("Change Event
 * Message Structure"): header with entityName, recordIds, changeType, changedFields…, the changed
 * fields' values beside it, and `event.replayId`.
 */
function message(header: Record<string, unknown>, fields: Record<string, unknown> = {}, replayId = 6) {
  return changeEventMessageSchema.parse({
    schema: "IeRuaY6cbI_HsV8Rv1Mc5g",
    payload: {
      ChangeEventHeader: {
        entityName: "Lead",
        recordIds: ["00Q5e000001abcdEAA"],
        changeType: "UPDATE",
        changedFields: [],
        changeOrigin: "com/salesforce/api/soap/62.0;client=SfdcInternalAPI/",
        transactionKey: "0002343d-9d90-e395-ed20-cf416ba652ad",
        sequenceNumber: 1,
        commitTimestamp: 1569443783000,
        commitNumber: 10650583096733,
        commitUser: "0055e000001AbcdAAC",
        ...header,
      },
      ...fields,
    },
    event: { replayId },
  });
}

describe("Salesforce change events → canonical change events", () => {
  it("DoNotCall set in an update is an opt-out, for every record the event names", () => {
    const meaning = changeEventMeaning(
      message(
        {
          recordIds: ["00Q5e000001abcdEAA", "00Q5e000001abceEAA"],
          changedFields: ["DoNotCall", "LastModifiedDate"],
        },
        { DoNotCall: true, LastModifiedDate: "2019-09-25T20:36:23.000Z" },
      ),
    );
    expect(meaning.events).toEqual([
      { kind: "consent", objectType: "Lead", crmId: "00Q5e000001abcdEAA", doNotCall: true },
      { kind: "consent", objectType: "Lead", crmId: "00Q5e000001abceEAA", doNotCall: true },
    ]);
  });

  it("DoNotCall cleared or another field edited is a change to re-read", () => {
    const cleared = changeEventMeaning(message({ changedFields: ["DoNotCall"] }, { DoNotCall: false }));
    const edited = changeEventMeaning(message({ changedFields: ["Phone"] }, { Phone: "(212) 555-0147" }));
    const change = { kind: "changed", objectType: "Lead", crmId: "00Q5e000001abcdEAA" };
    expect(cleared.events).toEqual([change]);
    expect(edited.events).toEqual([change]);
  });

  it("a campaign source's edits ask for a pull (its members are CampaignMembers, not records)", () => {
    const meaning = changeEventMeaning(message({ changedFields: ["Phone"] }, { Phone: "x" }), false);
    expect(meaning.events).toEqual([{ kind: "created", objectType: "Lead", crmId: "00Q5e000001abcdEAA" }]);
  });

  it("DELETE and GAP_DELETE remove; CREATE, UNDELETE and GAP_CREATE may add members; GAP_UPDATE re-reads", () => {
    const kinds = ["DELETE", "GAP_DELETE", "CREATE", "UNDELETE", "GAP_CREATE", "GAP_UPDATE"].map(
      (changeType) => changeEventMeaning(message({ changeType })).events[0]?.kind,
    );
    expect(kinds).toEqual(["deleted", "deleted", "created", "created", "created", "changed"]);
  });

  it("GAP_OVERFLOW names no records: a catch-up pull", () => {
    const meaning = changeEventMeaning(message({ changeType: "GAP_OVERFLOW", recordIds: [] }));
    expect(meaning.events).toEqual([]);
    expect(meaning.gap).toMatch(/overflow/);
  });

  it("channels: an object source's object; a campaign source's Leads, Contacts and CampaignMembers", () => {
    expect(channelsForSelects([{ object: "Contact" }, { object: "Lead", where: "Status = 'Open'" }])).toEqual(
      ["/data/ContactChangeEvent", "/data/LeadChangeEvent"],
    );
    expect(channelsForSelects([{ campaignId: "701000000000001" }])).toEqual([
      "/data/CampaignMemberChangeEvent",
      "/data/ContactChangeEvent",
      "/data/LeadChangeEvent",
    ]);
  });

  it("recognises Salesforce's refusal of an expired replay id", () => {
    expect(
      isExpiredReplay(
        "400::The replayId {82} you provided was invalid. Please provide a valid ID, -2 to replay all events, or -1 to replay only new events.",
      ),
    ).toBe(true);
    expect(isExpiredReplay({ message: "403::Handshake denied" })).toBe(false);
  });
});

describe("change events of Accounts and custom objects", () => {
  it("subscribes /data/<Custom>__ChangeEvent for a custom object and AccountChangeEvent for accounts (CDC guide, Subscription Channels)", () => {
    expect(
      channelsForSelects([
        { object: "Donor__c" },
        { object: "Account", accounts: "person" },
        { object: "Lead" },
      ]),
    ).toEqual(["/data/AccountChangeEvent", "/data/Donor__ChangeEvent", "/data/LeadChangeEvent"]);
  });

  it("an object's own do-not-call field set true is an opt-out: PersonDoNotCall, a configured custom checkbox", () => {
    const objects = { Donor__c: { doNotCallField: "Do_Not_Call__c" } };
    const fields = (object: string) => doNotCallFieldsOf(objects, object);
    const donor = changeEventMeaning(
      message(
        { entityName: "Donor__c", recordIds: ["a015e000001abcdAAA"], changedFields: ["Do_Not_Call__c"] },
        { Do_Not_Call__c: true },
      ),
      true,
      fields,
    );
    expect(donor.events).toEqual([
      { kind: "consent", objectType: "Donor__c", crmId: "a015e000001abcdAAA", doNotCall: true },
    ]);
    const person = changeEventMeaning(
      message(
        { entityName: "Account", recordIds: ["0015e000001abcdAAA"], changedFields: ["PersonDoNotCall"] },
        { PersonDoNotCall: true },
      ),
      true,
      fields,
    );
    expect(person.events).toEqual([
      { kind: "consent", objectType: "Account", crmId: "0015e000001abcdAAA", doNotCall: true },
    ]);
    // A field named like a do-not-call field on an object not configured with it is just an edit.
    const other = changeEventMeaning(
      message(
        { entityName: "Pledge__c", recordIds: ["a025e000001abcdAAA"], changedFields: ["Do_Not_Call__c"] },
        { Do_Not_Call__c: true },
      ),
      true,
      fields,
    );
    expect(other.events).toEqual([{ kind: "changed", objectType: "Pledge__c", crmId: "a025e000001abcdAAA" }]);
  });
});
