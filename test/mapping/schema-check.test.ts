import { describe, expect, it } from "vitest";
import type { FieldDescription } from "../../connectors/types.js";
import { answerFieldSchema, fieldMappingSchema } from "../../src/config/schema.js";
import { checkAgainstSchema } from "../../src/mapping/schema-check.js";

const fields: FieldDescription[] = [
  { name: "Phone", label: "Phone", type: "phone", updateable: true },
  { name: "Fax_Number__c", label: "Fax", type: "double", updateable: true },
  { name: "FirstName", label: "First Name", type: "string", updateable: true },
  {
    name: "Status",
    label: "Status",
    type: "picklist",
    updateable: true,
    picklistValues: ["Open", "Working"],
  },
  { name: "CreatedDate", label: "Created", type: "datetime", updateable: false },
];

describe("checkAgainstSchema", () => {
  it("accepts a mapping that fits", () => {
    const mapping = fieldMappingSchema.parse({
      fields: [
        { to: "phone", from: "phone", transform: ["phone"] },
        { to: "firstName", from: "FirstName" },
        { to: "company", from: "Account.Name" },
      ],
    });
    expect(
      checkAgainstSchema({
        objectType: "Lead",
        fields,
        mapping,
        leadUpdates: { connected: { Status: "Working" } },
      }),
    ).toEqual([]);
  });

  it("names missing fields, numeric phones, bad picklist values and read-only fields", () => {
    const mapping = fieldMappingSchema.parse({
      fields: [
        { to: "phone", from: "Fax_Number__c", transform: ["phone"] },
        { to: "lastName", from: "Surname" },
      ],
    });
    const problems = checkAgainstSchema({
      objectType: "Lead",
      fields,
      mapping,
      leadUpdates: { connected: { Status: "Contacted", CreatedDate: "x", Nope__c: 1 } },
    });
    expect(problems.map((p) => `${p.where}: ${p.message}`)).toEqual([
      'phone ← Fax_Number__c: Fax_Number__c is a double field; phone numbers stored as numbers lose leading zeros and "+"',
      'lastName ← Surname: Lead has no field "Surname"',
      'dispositions.connected.leadUpdates.Status: "Contacted" is not a value of Status; expected one of "Open", "Working"',
      "dispositions.connected.leadUpdates.CreatedDate: CreatedDate is not updateable",
      'dispositions.connected.leadUpdates.Nope__c: Lead has no field "Nope__c"',
    ]);
  });

  it("checks answer fields: the field exists, is updateable, and mapped values are picklist values", () => {
    const answerFields = {
      support: answerFieldSchema.parse({ field: "status", values: { strong: "Working", oppose: "Lost" } }),
      age: answerFieldSchema.parse({ field: "CreatedDate" }),
      issue: answerFieldSchema.parse({ field: "Issue__c" }),
      name: answerFieldSchema.parse({ field: "FirstName", transform: ["title"] }),
    };
    const problems = checkAgainstSchema({ objectType: "Lead", fields, answerFields });
    expect(problems.map((p) => `${p.where}: ${p.message}`)).toEqual([
      'answerFields.support.values.oppose: "Lost" is not a value of status; expected one of "Open", "Working"',
      "answerFields.age.field: CreatedDate is not updateable",
      'answerFields.issue.field: Lead has no field "Issue__c"',
    ]);
  });
});
