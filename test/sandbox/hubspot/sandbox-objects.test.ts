import { describe, expect, it } from "vitest";
import { useHubspotSandbox } from "./start.js";

const { start, call } = useHubspotSandbox();

const callInput = (to: string, typeId: number, trace: string) => ({
  properties: { hs_timestamp: "2026-11-30T12:00:00Z", telesync_outcome_id: trace },
  associations: [
    { to: { id: to }, types: [{ associationCategory: "HUBSPOT_DEFINED", associationTypeId: typeId }] },
  ],
  objectWriteTraceId: trace,
});

describe("HubSpot sandbox: companies and custom objects", () => {
  it("serves the custom object by type id, fully qualified and short name, lists its schema, and not by bare name", async () => {
    const { sandbox } = await start({ hubId: 7878787 });
    const [donor] = sandbox.seedDonors(1) as [string];
    for (const type of ["2-3508482", "p7878787_donors", "p_donors"]) {
      const read = await call("GET", `/crm/v3/objects/${type}/${donor}?properties=donor_name`);
      expect(read.status, type).toBe(200);
      expect(read.body.properties.donor_name).toBe("Donor 0");
    }
    expect((await call("GET", `/crm/v3/objects/donors/${donor}`)).status).toBe(400);
    // Schemas API: objectTypeId "{meta-type}-{id}", fullyQualifiedName "p{portalId}_{name}" (schemas guide).
    for (const path of ["/crm-object-schemas/v3/schemas", "/crm/v3/schemas"]) {
      const schemas = await call("GET", path);
      expect(schemas.status).toBe(200);
      expect(schemas.body.results).toEqual([
        expect.objectContaining({
          objectTypeId: "2-3508482",
          fullyQualifiedName: "p7878787_donors",
          name: "donors",
        }),
      ]);
    }
  });

  it("companies: by name and 0-2, search on hs_lastmodifieddate, archived listing, phone typed phonenumber", async () => {
    const { sandbox } = await start();
    const [a, b] = sandbox.seedCompanies(2) as [string, string];
    sandbox.archiveRecord("companies", b);
    const search = await call("POST", "/crm/v3/objects/0-2/search", {
      filterGroups: [{ filters: [{ propertyName: "hs_lastmodifieddate", operator: "GTE", value: "0" }] }],
      sorts: ["hs_lastmodifieddate"],
      properties: ["name", "phone"],
      limit: 10,
    });
    expect(search.body.results.map((r: { id: string }) => r.id)).toEqual([a]);
    const archived = await call("GET", "/crm/v3/objects/companies?archived=true");
    expect(archived.body.results.map((r: { id: string }) => r.id)).toEqual([b]);
    const properties = await call("GET", "/crm/v3/properties/companies");
    expect(properties.body.results.find((p: { name: string }) => p.name === "phone")).toMatchObject({
      type: "string",
      fieldType: "phonenumber",
    });
  });

  it("v4 labels: the unlabeled types from calls and meetings to companies (182, 188) and the custom object", async () => {
    await start();
    const labels = async (from: string, to: string) =>
      (await call("GET", `/crm/v4/associations/${from}/${to}/labels`)).body;
    // HubSpot-defined: call → company 182, meeting → company 188, call → contact 194 (association type id table).
    expect(await labels("calls", "companies")).toEqual({
      results: [{ category: "HUBSPOT_DEFINED", typeId: 182, label: null }],
    });
    expect(await labels("meetings", "0-2")).toEqual({
      results: [{ category: "HUBSPOT_DEFINED", typeId: 188, label: null }],
    });
    expect(await labels("calls", "contacts")).toEqual({
      results: [{ category: "HUBSPOT_DEFINED", typeId: 194, label: null }],
    });
    expect((await labels("calls", "2-3508482")).results).toHaveLength(1);
  });

  it("a call is associated by the type its target object requires; another type fails alone with VALIDATION_ERROR", async () => {
    const { sandbox } = await start();
    const [company] = sandbox.seedCompanies(1) as [string];
    const [contact] = sandbox.seedContacts(1) as [string];
    const created = await call("POST", "/crm/v3/objects/calls/batch/create", {
      inputs: [
        callInput(company, 182, "to-company"),
        callInput(contact, 194, "to-contact"),
        // 194 names a contact: the company id is not one.
        callInput(company, 194, "company-as-contact"),
        callInput(company, 999_999, "unknown-type"),
      ],
    });
    expect(created.status).toBe(207);
    expect(created.body.errors).toHaveLength(2);
    for (const error of created.body.errors) {
      expect(error).toMatchObject({ status: "error", category: "VALIDATION_ERROR" });
      expect(["company-as-contact", "unknown-type"]).toContain(error.context.objectWriteTraceId[0]);
    }
    const calls = sandbox.calls();
    const byTrace = new Map(calls.map((c) => [c.properties.telesync_outcome_id, c]));
    expect(byTrace.get("to-company")?.associated).toEqual({
      objectType: "companies",
      id: company,
      typeId: 182,
    });
    expect(byTrace.get("to-contact")?.associated).toEqual({
      objectType: "contacts",
      id: contact,
      typeId: 194,
    });
    expect(calls).toHaveLength(2);
  });
});
