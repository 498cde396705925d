import { AssociationTypes, Client } from "@hubspot/api-client";
import {
  AssociationSpecAssociationCategoryEnum,
  type FilterOperatorEnum,
} from "@hubspot/api-client/lib/codegen/crm/objects/meetings/index.js";
import { type CrmSandbox, startSandbox } from "@telesync/sandbox";
import { Connection } from "jsforce";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let sandbox: CrmSandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(async () => {
  await sandbox.close();
});

async function salesforce(): Promise<Connection> {
  const conn = new Connection({
    oauth2: { clientId: "sandbox-client", clientSecret: "sandbox-secret", loginUrl: sandbox.url },
    instanceUrl: sandbox.url,
    version: "62.0",
  });
  const token = (await conn.oauth2.refreshToken("sandbox-refresh")) as { access_token: string };
  conn.accessToken = token.access_token;
  return conn;
}

describe("Salesforce sandbox: Event (jsforce over HTTP)", () => {
  it("creates Events through sObject Collections and reads them back by the appointment id field", async () => {
    const conn = await salesforce();
    const lead = sandbox.salesforce.insert("Lead", { LastName: "Booked", Company: "Acme" });
    const owner = sandbox.salesforce.insert("User", { Username: "owner@sandbox.example", LastName: "Owner" });
    const results = await conn.sobject("Event").create(
      [
        {
          WhoId: lead,
          OwnerId: owner,
          Subject: "Demo",
          // 10:00 in New York (UTC-5 in December) is 15:00 UTC.
          StartDateTime: "2026-12-08T10:00:00-05:00",
          EndDateTime: "2026-12-08T10:30:00-05:00",
          Location: "Zoom",
          Description: "Bring pricing",
          Telesync_Appointment_Id__c: "appt-1",
        },
        { WhoId: lead, Subject: "No end", StartDateTime: "2026-12-08T15:00:00Z" },
      ],
      { allOrNone: false },
    );
    expect(results[0]).toMatchObject({ success: true });
    expect(results[1]).toMatchObject({ success: false, errors: [{ statusCode: "REQUIRED_FIELD_MISSING" }] });
    const found = await conn.query<{
      Id: string;
      StartDateTime: string;
      EndDateTime: string;
      OwnerId: string;
    }>(
      "SELECT Id, StartDateTime, EndDateTime, OwnerId FROM Event WHERE Telesync_Appointment_Id__c IN ('appt-1')",
    );
    expect(found.records).toHaveLength(1);
    expect(Date.parse(found.records[0]?.StartDateTime ?? "")).toBe(Date.parse("2026-12-08T15:00:00Z"));
    expect(Date.parse(found.records[0]?.EndDateTime ?? "")).toBe(Date.parse("2026-12-08T15:30:00Z"));
    expect(found.records[0]?.OwnerId).toBe(owner);
  });
});

describe("HubSpot sandbox: meetings (@hubspot/api-client over HTTP)", () => {
  it("batch-creates meetings associated with a contact (type 200) and finds them by a custom property", async () => {
    const client = new Client({ basePath: sandbox.hubspotBasePath, accessToken: "sandbox-token" });
    const [contact] = sandbox.hubspot.seedContacts(1);
    const response = await client.crm.objects.meetings.batchApi.create({
      inputs: [
        {
          properties: {
            hs_timestamp: "2026-12-08T15:00:00.000Z",
            hs_meeting_title: "Demo",
            hs_meeting_body: "Bring pricing",
            hs_meeting_start_time: "2026-12-08T15:00:00.000Z",
            hs_meeting_end_time: "2026-12-08T15:30:00.000Z",
            hs_meeting_location: "Zoom",
            hs_meeting_outcome: "SCHEDULED",
            telesync_appointment_id: "appt-1",
          },
          associations: [
            {
              to: { id: contact ?? "" },
              types: [
                {
                  associationCategory: AssociationSpecAssociationCategoryEnum.HubspotDefined,
                  associationTypeId: AssociationTypes.meetingToContact,
                },
              ],
            },
          ],
        },
      ],
    });
    expect(response.results).toHaveLength(1);
    expect(AssociationTypes.meetingToContact).toBe(200);
    const stored = sandbox.hubspot.meetings();
    expect(stored).toHaveLength(1);
    expect(stored[0]?.contact).toEqual({ id: contact, typeId: 200 });
    const search = await client.crm.objects.meetings.searchApi.doSearch({
      filterGroups: [
        {
          filters: [
            {
              propertyName: "telesync_appointment_id",
              operator: "IN" as FilterOperatorEnum,
              values: ["appt-1"],
            },
          ],
        },
      ],
      sorts: ["hs_object_id"],
      properties: ["telesync_appointment_id", "hs_meeting_start_time"],
      limit: 10,
      after: "0",
    });
    expect(search.results.map((m) => m.properties.telesync_appointment_id)).toEqual(["appt-1"]);
  });
});
