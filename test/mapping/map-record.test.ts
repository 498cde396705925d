import { describe, expect, it } from "vitest";
import type { CrmRecord } from "../../connectors/types.js";
import { fieldMappingSchema } from "../../src/config/schema.js";
import { fieldsRead, mapRecord } from "../../src/mapping/map-record.js";
import { applyTransform } from "../../src/mapping/transforms.js";

const mapping = fieldMappingSchema.parse({
  defaultCountry: "US",
  fields: [
    { to: "phone", from: "Phone", transform: ["phone"], required: true },
    { to: "altPhones", from: "MobilePhone", transform: ["phone"] },
    { to: "firstName", from: "FirstName", transform: ["trim", "title"] },
    { to: "lastName", from: "LastName", transform: ["trim"] },
    { to: "company", concat: ["Company", "Account.Name"], separator: " / " },
    { to: "email", from: "Email", transform: ["trim", "lower"] },
    { to: "region", from: "State", transform: ["upper"] },
    { to: "doNotCall", from: "DoNotCall", transform: ["boolean"] },
    { to: "extra.segment", constant: "Q4" },
    { to: "extra.status", from: "Status" },
  ],
});

function record(fields: Record<string, unknown>, id = "00Q000000000001AAA"): CrmRecord {
  return { objectType: "Lead", id, modifiedAt: "2026-11-01T10:00:00.000Z", fields, sourceRef: id };
}

describe("mapRecord", () => {
  it("maps a record through transforms into a canonical lead", () => {
    const result = mapRecord(
      record({
        Phone: "(415) 555-2671",
        MobilePhone: "+44 20 7946 0958",
        FirstName: "  jANE ",
        LastName: "Doe",
        Company: "Acme",
        Account: { Name: "Acme Holdings" },
        Email: " Jane@Example.COM ",
        State: "ca",
        DoNotCall: false,
        Status: "Open",
      }),
      "sf",
      mapping,
    );
    expect(result).toEqual({
      ok: true,
      lead: {
        key: "sf/Lead/00Q000000000001AAA",
        integration: "sf",
        objectType: "Lead",
        crmId: "00Q000000000001AAA",
        phone: "+14155552671",
        altPhones: ["+442079460958"],
        firstName: "Jane",
        lastName: "Doe",
        company: "Acme / Acme Holdings",
        email: "jane@example.com",
        region: "CA",
        doNotCall: false,
        extra: { segment: "Q4", status: "Open" },
        modifiedAt: "2026-11-01T10:00:00.000Z",
      },
      // The number as parsed here, carried to the gate so it is not parsed again.
      parsedPhone: expect.objectContaining({ number: "+14155552671", country: "US" }),
    });
  });

  it("reports a missing required phone without throwing", () => {
    const result = mapRecord(record({ Phone: "  ", LastName: "Doe" }), "sf", mapping);
    expect(result).toEqual({
      ok: false,
      crmId: "00Q000000000001AAA",
      problems: ["Phone is empty (required)"],
    });
  });

  it("reports an unparseable phone, masked", () => {
    const result = mapRecord(record({ Phone: "555-01", LastName: "Doe" }), "sf", mapping);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems[0]).toMatch(/^Phone: /);
    expect(result.problems[0]).not.toContain("555-01");
  });

  it("reads do-not-call flags", () => {
    const result = mapRecord(record({ Phone: "+1 212 555 0199", DoNotCall: "true" }), "sf", mapping);
    expect(result.ok && result.lead.doNotCall).toBe(true);
  });

  it("lists the CRM fields it reads", () => {
    expect(fieldsRead(mapping).sort()).toEqual(
      [
        "Account.Name",
        "Company",
        "DoNotCall",
        "Email",
        "FirstName",
        "LastName",
        "MobilePhone",
        "Phone",
        "State",
        "Status",
      ].sort(),
    );
  });
});

describe("transforms", () => {
  it.each([
    ["trim", "  a b ", "a b"],
    ["lower", "AbC", "abc"],
    ["upper", "abc", "ABC"],
    ["title", "o'NEIL mary-jane", "O'Neil Mary-Jane"],
    ["digits", "+1 (415) 555-2671", "14155552671"],
    ["boolean", "Yes", true],
    ["boolean", "0", false],
  ] as const)("%s %j → %j", (transform, input, expected) => {
    expect(applyTransform(transform, input, "US")).toEqual({ ok: true, value: expected });
  });

  it("reads national numbers with the default country and rejects invalid ones", () => {
    expect(applyTransform("phone", "020 7946 0958", "GB")).toEqual({ ok: true, value: "+442079460958" });
    expect(applyTransform("phone", "12", "US")).toMatchObject({ ok: false });
    expect(applyTransform("boolean", "maybe", "US")).toMatchObject({ ok: false });
  });
});
