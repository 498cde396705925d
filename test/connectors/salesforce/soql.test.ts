import { parseQuery } from "@jetstreamapp/soql-parser-js";
import { describe, expect, it } from "vitest";
import {
  afterCondition,
  assertFieldNames,
  campaignMemberQuery,
  chunkForIn,
  escapeSoqlString,
  leaverQuery,
  memberRecordQuery,
  membersOfRecordsQuery,
  objectPageQuery,
  SoqlBuildError,
  selectList,
  soqlDateTime,
  soqlString,
  tasksByCallObjectQuery,
  toIso,
} from "../../../connectors/salesforce/soql.js";

const leadId = "00Q5g00000AbCdEFGH";
const campaignId = "7015g000000XyZaAAK";

describe("escapeSoqlString", () => {
  it.each([
    ["plain", "Acme", "Acme"],
    ["single quote", "O'Brien", "O\\'Brien"],
    ["backslash", "C:\\temp", "C:\\\\temp"],
    ["backslash before quote", "\\'", "\\\\\\'"],
    ["double quote", 'say "hi"', 'say \\"hi\\"'],
    ["newline", "a\nb", "a\\nb"],
    ["carriage return and tab", "a\r\tb", "a\\r\\tb"],
    ["backspace and form feed", "a\b\fb", "a\\b\\fb"],
    ["other control characters", "a\u0000b\u001fc\u007f", "a\\u0000b\\u001fc\\u007f"],
    ["unicode is kept", "Zoë 東京 🚀", "Zoë 東京 🚀"],
    ["LIKE wildcards untouched outside LIKE", "50% _off", "50% _off"],
    ["injection: close the string", "x' OR Name != '", "x\\' OR Name != \\'"],
    ["injection: escape the escaper", "x\\' OR Id != '", "x\\\\\\' OR Id != \\'"],
  ])("%s", (_label, input, expected) => {
    expect(escapeSoqlString(input)).toBe(expected);
  });

  it("an injection attempt stays one string literal", () => {
    const soql = `SELECT Id FROM Lead WHERE Name = ${soqlString("x' OR Name != '")}`;
    const where = parseQuery(soql).where;
    expect(where).not.toHaveProperty("right");
    expect(where).toHaveProperty("left");
    expect(where && "left" in where ? where.left : undefined).toMatchObject({
      field: "Name",
      operator: "=",
      literalType: "STRING",
    });
  });
});

describe("date-times", () => {
  it.each([
    ["2024-01-15T10:30:00.000Z", "2024-01-15T10:30:00Z"],
    ["2024-01-15T10:30:00.123Z", "2024-01-15T10:30:00.123Z"],
    ["2024-01-15T12:30:00+02:00", "2024-01-15T10:30:00Z"],
  ])("soqlDateTime(%s) = %s", (input, expected) => {
    expect(soqlDateTime(input)).toBe(expected);
  });

  it("rejects what is not a date", () => {
    expect(() => soqlDateTime("yesterday' OR Id != '")).toThrow(SoqlBuildError);
  });

  it("reads Salesforce's +0000 offsets", () => {
    expect(toIso("2024-01-15T10:30:00.000+0000")).toBe("2024-01-15T10:30:00.000Z");
    expect(toIso("2024-01-15T10:30:00.000-0130")).toBe("2024-01-15T12:00:00.000Z");
  });
});

describe("field allow-list", () => {
  it.each(["Phone", "Custom_Field__c", "Account.Name", "_x", "Owner.Email"])("accepts %s", (name) => {
    expect(() => assertFieldNames([name])).not.toThrow();
  });

  it.each([
    "Name, (SELECT Id FROM Tasks)",
    "Id FROM User --",
    "Account.Owner.Name",
    "1Phone",
    "Phone ",
    "",
    "Name'",
    "COUNT(Id)",
    "Account..Name",
  ])("rejects %j", (name) => {
    expect(() => assertFieldNames([name])).toThrow(SoqlBuildError);
    expect(() => objectPageQuery({ object: "Lead", fields: [name] })).toThrow(SoqlBuildError);
  });

  it("selects each field once, whatever its case, required ones first", () => {
    expect(selectList(["Id", "SystemModstamp"], ["Phone", "id", "Systemmodstamp", "Email", "phone"])).toEqual(
      ["Id", "SystemModstamp", "Phone", "Email"],
    );
  });
});

describe("query builders", () => {
  const after = { modstamp: "2024-01-15T10:30:00.000Z", id: leadId };

  it("object page, first pull", () => {
    expect(objectPageQuery({ object: "Lead", fields: ["Phone", "Account.Name"] })).toBe(
      "SELECT Id, SystemModstamp, Phone, Account.Name FROM Lead ORDER BY SystemModstamp, Id",
    );
  });

  it("object page after a position, with the admin's where in parentheses", () => {
    expect(objectPageQuery({ object: "Contact", fields: ["Phone"], where: "A = 1 OR B = 2", after })).toBe(
      "SELECT Id, SystemModstamp, Phone FROM Contact WHERE (A = 1 OR B = 2) AND " +
        `(SystemModstamp > 2024-01-15T10:30:00Z OR (SystemModstamp = 2024-01-15T10:30:00Z AND Id > '${leadId}')) ` +
        "ORDER BY SystemModstamp, Id",
    );
  });

  it("a position without id means 'modified at or after'", () => {
    expect(afterCondition({ modstamp: "2024-01-15T10:30:00.000Z", id: "" })).toBe(
      "SystemModstamp >= 2024-01-15T10:30:00Z",
    );
  });

  it("a position id must be a Salesforce id", () => {
    expect(() => afterCondition({ modstamp: "2024-01-15T10:30:00.000Z", id: "x' OR Id != '" })).toThrow(
      SoqlBuildError,
    );
  });

  it("leavers since a time, and since ever", () => {
    expect(leaverQuery({ object: "Lead", where: "Status = 'Open'", since: "2024-01-15T10:30:00.000Z" })).toBe(
      "SELECT Id FROM Lead WHERE SystemModstamp >= 2024-01-15T10:30:00Z AND (NOT (Status = 'Open'))",
    );
    expect(leaverQuery({ object: "Lead", where: "Status = 'Open'", since: null })).toBe(
      "SELECT Id FROM Lead WHERE (NOT (Status = 'Open'))",
    );
  });

  it("campaign members with both relationships", () => {
    expect(
      campaignMemberQuery({
        campaignId,
        leadFields: ["Phone", "Company"],
        contactFields: ["Phone", "Account.Name"],
      }),
    ).toBe(
      "SELECT Id, Status, LeadId, ContactId, SystemModstamp, Lead.Id, Lead.SystemModstamp, Lead.Phone, Lead.Company, " +
        "Contact.Id, Contact.SystemModstamp, Contact.Phone, Contact.Account.Name FROM CampaignMember " +
        `WHERE CampaignId = '${campaignId}' ORDER BY SystemModstamp, Id`,
    );
  });

  it("members' leads and contacts through a semi-join", () => {
    expect(
      memberRecordQuery({
        object: "Lead",
        campaignId,
        fields: ["Phone"],
        statuses: ["Planned", "Don't call"],
      }),
    ).toBe(
      "SELECT Id, SystemModstamp, Phone FROM Lead WHERE Id IN (SELECT LeadId FROM CampaignMember " +
        `WHERE CampaignId = '${campaignId}' AND ContactId = null AND Status IN ('Planned', 'Don\\'t call')) ` +
        "ORDER BY SystemModstamp, Id",
    );
    expect(memberRecordQuery({ object: "Contact", campaignId, fields: [], after })).toBe(
      "SELECT Id, SystemModstamp FROM Contact WHERE Id IN (SELECT ContactId FROM CampaignMember " +
        `WHERE CampaignId = '${campaignId}') AND (SystemModstamp > 2024-01-15T10:30:00Z OR ` +
        `(SystemModstamp = 2024-01-15T10:30:00Z AND Id > '${leadId}')) ORDER BY SystemModstamp, Id`,
    );
  });

  it("campaign ids are checked, not escaped into place", () => {
    expect(() =>
      membersOfRecordsQuery({ object: "Lead", campaignId: "x' OR Id != '", ids: [leadId] }),
    ).toThrow(SoqlBuildError);
  });

  it("tasks by outcome id escape each id", () => {
    expect(tasksByCallObjectQuery(["a-1", "b'2"])).toBe(
      "SELECT Id, CallObject FROM Task WHERE CallObject IN ('a-1', 'b\\'2')",
    );
  });

  it("every built query is valid SOQL", () => {
    const queries = [
      objectPageQuery({
        object: "Lead",
        fields: ["Phone"],
        where: "Status = 'Open' AND Country = 'US'",
        after,
      }),
      leaverQuery({ object: "Lead", where: "Status = 'Open'", since: after.modstamp }),
      campaignMemberQuery({ campaignId, leadFields: ["Phone"], contactFields: ["Account.Name"], after }),
      memberRecordQuery({ object: "Lead", campaignId, fields: ["Phone"], statuses: ["Sent"], after }),
      membersOfRecordsQuery({ object: "Contact", campaignId, ids: [leadId, leadId] }),
      tasksByCallObjectQuery(["x' OR Name != '", "a\\b\nc"]),
    ];
    for (const soql of queries) expect(() => parseQuery(soql), soql).not.toThrow();
  });
});

describe("chunkForIn", () => {
  it("splits by count", () => {
    const ids = Array.from({ length: 450 }, (_, i) => `id${i}`);
    expect(chunkForIn(ids).map((c) => c.length)).toEqual([200, 200, 50]);
  });

  it("splits by URL-encoded size", () => {
    const long = Array.from({ length: 10 }, (_, i) => `${"'".repeat(300)}${i}`);
    const parts = chunkForIn(long, 200, 4_000);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.flat()).toEqual(long);
  });
});
