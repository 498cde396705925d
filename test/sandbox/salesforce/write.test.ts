import { describe, expect, it } from "vitest";
import { connect, dataPath, raw, sandboxServer } from "./helpers.js";

type SaveResult = {
  id?: string;
  success: boolean;
  errors: { statusCode: string; message: string; fields: string[] }[];
};

describe("sObject Collections writes", () => {
  it("creates call Tasks with per-record results in input order", async () => {
    const sandbox = await sandboxServer();
    const sf = sandbox.salesforce;
    const [lead] = sf.seedLeads(1);
    const deleted = sf.seedLeads(1)[0]!;
    sf.delete("Lead", deleted);
    const conn = connect(sandbox);
    const call = { Subject: "Call", TaskSubtype: "Call", CallType: "Outbound", Status: "Completed" };
    const results = (await conn.sobject("Task").create(
      [
        {
          ...call,
          WhoId: lead,
          CallObject: "outcome-1",
          CallDurationInSeconds: 42,
          ActivityDate: "2026-03-01",
        },
        { ...call, WhoId: deleted },
        { ...call, WhoId: lead, Bogus__c: 1 },
        { ...call, WhoId: lead, CallType: "Sideways" },
        { ...call, WhoId: "003000000000000" },
      ],
      { allOrNone: false },
    )) as SaveResult[];
    expect(results.map((r) => r.success)).toEqual([true, false, false, false, false]);
    expect(results[0]!.id).toMatch(/^00T\w{15}$/);
    expect(results[1]!.errors).toEqual([
      { statusCode: "INVALID_CROSS_REFERENCE_KEY", message: "invalid cross reference id", fields: ["WhoId"] },
    ]);
    expect(results[2]!.errors[0]).toMatchObject({ statusCode: "INVALID_FIELD", fields: ["Bogus__c"] });
    expect(results[3]!.errors[0]!.statusCode).toBe("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST");
    expect(results[4]!.errors[0]!.statusCode).toBe("INVALID_CROSS_REFERENCE_KEY");
    const task = sf.get("Task", results[0]!.id!)!;
    expect(task).toMatchObject({
      WhoId: lead,
      CallObject: "outcome-1",
      CallDurationInSeconds: 42,
      Priority: "Normal",
    });
    expect(task.SystemModstamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    expect(sf.all("Task")).toHaveLength(1);
    expect(sf.stats()["composite-create"]).toBe(1);
    // Five records were sent above (one stored, four refused): the request's size counts all five.
    expect(sf.requests.createSizes).toEqual([5]);
    sf.resetStats();
    expect(sf.requests.createSizes).toEqual([]);
  });

  it("rolls back the whole batch with allOrNone", async () => {
    const sandbox = await sandboxServer();
    const conn = connect(sandbox);
    const results = (await conn
      .sobject("Lead")
      .create([{ LastName: "Ok", Company: "A" }, { FirstName: "No last name" }], {
        allOrNone: true,
      })) as SaveResult[];
    expect(results[0]).toEqual({
      success: false,
      errors: [expect.objectContaining({ statusCode: "ALL_OR_NONE_OPERATION_ROLLED_BACK" })],
    });
    expect(results[1]!.errors[0]).toMatchObject({
      statusCode: "REQUIRED_FIELD_MISSING",
      fields: ["LastName", "Company"],
    });
    expect(sandbox.salesforce.all("Lead")).toHaveLength(0);
  });

  it("updates with per-record errors and bumps SystemModstamp and LastModifiedDate", async () => {
    const sandbox = await sandboxServer();
    const sf = sandbox.salesforce;
    sf.setNow(new Date("2026-01-01T00:00:00Z"));
    const [a, b, c] = sf.seedLeads(3);
    const task = sf.insert("Task", { WhoId: a, Subject: "x", TaskSubtype: "Call" });
    sf.delete("Lead", c!);
    sf.setNow(new Date("2026-01-02T03:04:05.678Z"));
    const conn = connect(sandbox);
    const results = (await conn.sobject("Lead").update(
      [
        { Id: a!, Status: "Working - Contacted", DoNotCall: true },
        { Id: b!, Name: "Computed" },
        { Id: c!, Status: "Working - Contacted" },
      ],
      { allOrNone: false },
    )) as SaveResult[];
    expect(results[0]).toEqual({ id: a, success: true, errors: [] });
    expect(results[1]!.errors[0]).toMatchObject({
      statusCode: "INVALID_FIELD_FOR_INSERT_UPDATE",
      fields: ["Name"],
    });
    expect(results[2]).toMatchObject({
      id: c,
      success: false,
      errors: [{ statusCode: "ENTITY_IS_DELETED" }],
    });
    expect(sf.get("Lead", a!)).toMatchObject({
      Status: "Working - Contacted",
      DoNotCall: true,
      SystemModstamp: "2026-01-02T03:04:05.678+0000",
      LastModifiedDate: "2026-01-02T03:04:05.678+0000",
      CreatedDate: "2026-01-01T00:00:00.000+0000",
    });
    const subtype = (await conn.sobject("Task").update([{ Id: task, TaskSubtype: "Email" }])) as SaveResult[];
    expect(subtype[0]!.errors[0]).toMatchObject({
      statusCode: "INVALID_FIELD_FOR_INSERT_UPDATE",
      fields: ["TaskSubtype"],
    });
  });

  it("refuses more than 200 records in one call", async () => {
    const sandbox = await sandboxServer();
    const records = Array.from({ length: 201 }, (_, i) => ({
      attributes: { type: "Lead" },
      LastName: `L${i}`,
      Company: "C",
    }));
    const res = await raw(sandbox, dataPath("/composite/sobjects"), {
      method: "POST",
      body: JSON.stringify({ allOrNone: false, records }),
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual([expect.objectContaining({ errorCode: "EXCEEDED_ID_LIMIT" })]);
    const conn = connect(sandbox);
    const many = await conn.sobject("Lead").create(
      records.map(({ attributes: _, ...r }) => r),
      { allowRecursive: true },
    );
    expect(many).toHaveLength(201);
  });

  it("lets a test reject one record like a validation rule, then lift it", async () => {
    const sandbox = await sandboxServer();
    const sf = sandbox.salesforce;
    const [lead] = sf.seedLeads(1);
    const lift = sf.rejectRecord((r, info) => info.type === "Task" && r.CallObject === "bad", {
      message: "Call result is required",
      fields: ["CallDisposition"],
    });
    const conn = connect(sandbox);
    const batch = [
      { WhoId: lead, CallObject: "good" },
      { WhoId: lead, CallObject: "bad" },
    ];
    const first = (await conn.sobject("Task").create(batch)) as SaveResult[];
    expect(first[1]).toEqual({
      success: false,
      errors: [
        {
          statusCode: "FIELD_CUSTOM_VALIDATION_EXCEPTION",
          message: "Call result is required",
          fields: ["CallDisposition"],
        },
      ],
    });
    lift();
    const second = (await conn.sobject("Task").create([batch[1]!])) as SaveResult[];
    expect(second[0]!.success).toBe(true);
  });

  it("supports single-record create, read, update and delete", async () => {
    const sandbox = await sandboxServer();
    const conn = connect(sandbox);
    const created = (await conn
      .sobject("Contact")
      .create({ LastName: "Hopper", Phone: "212-555-0101" })) as SaveResult;
    expect(created.success).toBe(true);
    const id = created.id!;
    const read = await conn.sobject("Contact").retrieve(id);
    expect(read).toMatchObject({ Id: id, Name: "Hopper", Phone: "212-555-0101" });
    await conn.sobject("Contact").update({ Id: id, FirstName: "Grace" });
    expect(sandbox.salesforce.get("Contact", id)!.Name).toBe("Grace Hopper");
    await conn.sobject("Contact").destroy(id);
    const again = await raw(sandbox, dataPath(`/sobjects/Contact/${id}`), { method: "DELETE" });
    expect(again.status).toBe(404);
    expect(again.body).toEqual([expect.objectContaining({ errorCode: "ENTITY_IS_DELETED" })]);
    const bad = await raw(sandbox, dataPath("/sobjects/Contact"), {
      method: "POST",
      body: JSON.stringify({ Email: "x" }),
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual([expect.objectContaining({ errorCode: "INVALID_EMAIL_ADDRESS" })]);
  });

  it("retrieves and deletes many records through sObject Collections", async () => {
    const sandbox = await sandboxServer();
    const sf = sandbox.salesforce;
    const ids = sf.seedLeads(3);
    const conn = connect(sandbox);
    const rows = (await conn.sobject("Lead").retrieve([ids[0]!, "00Q000000000000AAA", ids[2]!], {
      fields: ["Id", "Phone"],
    })) as unknown[];
    expect(rows).toEqual([
      expect.objectContaining({ Id: ids[0], Phone: sf.get("Lead", ids[0]!)!.Phone }),
      null,
      expect.objectContaining({ Id: ids[2] }),
    ]);
    const deleted = (await conn.sobject("Lead").destroy([ids[0]!, ids[1]!])) as SaveResult[];
    expect(deleted.map((r) => r.success)).toEqual([true, true]);
    expect(sf.all("Lead").map((l) => l.Id)).toEqual([ids[2]]);
    expect(sf.stats()).toMatchObject({ "composite-retrieve": 1, "composite-delete": 1 });
  });

  it("describes objects with picklists and write permissions", async () => {
    const sandbox = await sandboxServer();
    const conn = connect(sandbox);
    const lead = await conn.sobject("Lead").describe();
    const status = lead.fields.find((f) => f.name === "Status")!;
    expect(status.type).toBe("picklist");
    expect(status.picklistValues!.map((p) => p.value)).toEqual([
      "Open - Not Contacted",
      "Working - Contacted",
      "Closed - Converted",
      "Closed - Not Converted",
    ]);
    const names = lead.fields.map((f) => f.name);
    for (const f of [
      "FirstName",
      "LastName",
      "Company",
      "Phone",
      "MobilePhone",
      "State",
      "PostalCode",
      "DoNotCall",
      "SystemModstamp",
    ]) {
      expect(names).toContain(f);
    }
    const task = await conn.sobject("Task").describe();
    expect(task.fields.find((f) => f.name === "TaskSubtype")).toMatchObject({
      createable: true,
      updateable: false,
    });
    const contact = await conn.sobject("Contact").describe();
    expect(contact.fields.map((f) => f.name)).toEqual(expect.arrayContaining(["AccountId", "MailingState"]));
    expect(contact.fields.map((f) => f.name)).not.toContain("Company");
    const missing = await raw(sandbox, dataPath("/sobjects/Nope/describe"));
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual([expect.objectContaining({ errorCode: "NOT_FOUND" })]);
  });
});
