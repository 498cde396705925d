import nock from "nock";
import { describe, expect, it } from "vitest";
import { API, fixture, useNockedConnector } from "./support.js";

/**
 * `fetchRecords` (a webhook said these contacts changed) against HubSpot's documented batch read:
 * `POST /crm/v3/objects/contacts/batch/read`, 200 with `results`, or 207 with `errors` naming the ids
 * it no longer has (https://developers.hubspot.com/docs/api/crm/contacts, "Retrieve a batch").
 */
describe("HubSpot fetchRecords (nock, documented formats)", () => {
  const nocked = useNockedConnector();

  it("reads only the given ids, with the mapped properties and the ones the connector needs", async () => {
    const bodies: unknown[] = [];
    nock(API)
      .post("/crm/v3/objects/contacts/batch/read", (body) => {
        bodies.push(body);
        return true;
      })
      .query({ archived: "false" })
      .reply(200, fixture("contacts-batch-read-101-102"));
    const records = await nocked.connector.fetchRecords({
      objectType: "contacts",
      ids: ["101", "102"],
      fields: ["phone"],
    });
    expect(nock.isDone()).toBe(true);
    expect(bodies).toEqual([
      {
        inputs: [{ id: "101" }, { id: "102" }],
        properties: ["phone", "hs_object_id", "lastmodifieddate", "hs_merged_object_ids"],
        propertiesWithHistory: [],
      },
    ]);
    expect(records.map((r) => [r.id, r.sourceRef, r.fields.phone, r.modifiedAt])).toEqual([
      ["102", "102", "+14155550202", "2026-01-07T10:00:00.000Z"],
      ["101", "101", "+14155550201", "2026-01-07T09:00:00.000Z"],
    ]);
  });

  it("leaves out ids HubSpot no longer has (207 OBJECT_NOT_FOUND), so the core can take them out", async () => {
    nock(API)
      .post("/crm/v3/objects/contacts/batch/read")
      .query({ archived: "false" })
      .reply(207, fixture("contacts-batch-read-207"));
    const records = await nocked.connector.fetchRecords({ objectType: "contacts", ids: ["104"], fields: [] });
    expect(records).toEqual([]);
  });

  it("refuses an object type a HubSpot source never holds, without a request", async () => {
    await expect(
      nocked.connector.fetchRecords({ objectType: "Lead", ids: ["1"], fields: [] }),
    ).rejects.toThrow("HubSpot sources hold contacts, companies or custom objects, not Lead");
  });
});
