import { SalesforceApiError, SalesforceSandbox } from "@telesync/sandbox";
import { describe, expect, it } from "vitest";

function org() {
  const sf = new SalesforceSandbox();
  sf.setNow(new Date("2026-02-01T10:00:00.250Z"));
  const ann = sf.insert("Lead", {
    FirstName: "Ann",
    LastName: "Lee",
    Company: "A",
    City: "Austin",
    DoNotCall: true,
  });
  sf.setNow(new Date("2026-02-01T11:00:00Z"));
  const bob = sf.insert("Lead", { FirstName: "Bob", LastName: "Ray", Company: "B", City: "Boise" });
  const cy = sf.insert("Lead", { FirstName: "Cy", LastName: "Ng", Company: "C_1", City: null });
  sf.setNow(undefined);
  return { sf, ann, bob, cy };
}

const ids = (sf: SalesforceSandbox, soql: string) => sf.query(soql).records.map((r) => r.Id);

function errorOf(fn: () => unknown): SalesforceApiError {
  try {
    fn();
  } catch (error) {
    if (error instanceof SalesforceApiError) return error;
    throw error;
  }
  throw new Error("expected an error");
}

describe("SOQL evaluation", () => {
  it("applies NOT before AND/OR and honours parentheses", () => {
    const { sf, ann, bob, cy } = org();
    expect(ids(sf, "SELECT Id FROM Lead WHERE NOT City = 'Austin' AND Company != 'C_1'")).toEqual([bob]);
    expect(ids(sf, "SELECT Id FROM Lead WHERE NOT (City = 'Austin' OR City = 'Boise')")).toEqual([cy]);
    expect(
      ids(sf, "SELECT Id FROM Lead WHERE (City = 'Austin' OR City = 'Boise') AND (NOT DoNotCall = true)"),
    ).toEqual([bob]);
    expect(
      ids(sf, "SELECT Id FROM Lead WHERE ((Company = 'A' AND City = 'Austin') OR Company = 'B')"),
    ).toEqual([ann, bob]);
    expect(
      errorOf(() => sf.query("SELECT Id FROM Lead WHERE Company = 'A' AND City = 'x' OR City = 'y'"))
        .errorCode,
    ).toBe("MALFORMED_QUERY");
  });

  it("treats nulls as Salesforce does in =, !=, IN and NOT IN", () => {
    const { sf, ann, bob, cy } = org();
    expect(ids(sf, "SELECT Id FROM Lead WHERE City = null")).toEqual([cy]);
    expect(ids(sf, "SELECT Id FROM Lead WHERE City != null")).toEqual([ann, bob]);
    expect(ids(sf, "SELECT Id FROM Lead WHERE City != 'Austin'")).toEqual([bob, cy]);
    expect(ids(sf, "SELECT Id FROM Lead WHERE City IN ('austin', 'BOISE')")).toEqual([ann, bob]);
    expect(ids(sf, "SELECT Id FROM Lead WHERE City NOT IN ('Austin')")).toEqual([bob, cy]);
    expect(ids(sf, "SELECT Id FROM Lead WHERE City > 'A'")).toEqual([ann, bob]);
  });

  it("compares datetimes as instants whatever the literal's format", () => {
    const { sf, ann, bob, cy } = org();
    expect(ids(sf, "SELECT Id FROM Lead WHERE SystemModstamp > 2026-02-01T10:00:00Z")).toEqual([
      ann,
      bob,
      cy,
    ]);
    expect(ids(sf, "SELECT Id FROM Lead WHERE SystemModstamp = 2026-02-01T10:00:00.250+0000")).toEqual([ann]);
    expect(ids(sf, "SELECT Id FROM Lead WHERE SystemModstamp = 2026-02-01T11:00:00.250+01:00")).toEqual([
      ann,
    ]);
    expect(ids(sf, "SELECT Id FROM Lead WHERE CreatedDate >= 2026-02-01T11:00:00.000Z")).toEqual([bob, cy]);
    expect(sf.query(`SELECT SystemModstamp FROM Lead WHERE Id = '${ann}'`).records[0]!.SystemModstamp).toBe(
      "2026-02-01T10:00:00.250+0000",
    );
  });

  it("rejects literals of the wrong type", () => {
    const { sf } = org();
    for (const where of [
      "SystemModstamp > '2026-01-01'",
      "SystemModstamp > 2026-01-01",
      "DoNotCall = 'true'",
      "City = 3",
    ]) {
      expect(errorOf(() => sf.query(`SELECT Id FROM Lead WHERE ${where}`)).errorCode).toBe("INVALID_FIELD");
    }
    expect(errorOf(() => sf.query("SELECT Id FROM Lead WHERE Id = 'nope'")).errorCode).toBe(
      "INVALID_QUERY_FILTER_OPERATOR",
    );
  });

  it("matches LIKE with % and _ case-insensitively, and escaped \\_ literally", () => {
    const { sf, ann, cy } = org();
    expect(ids(sf, "SELECT Id FROM Lead WHERE FirstName LIKE 'a%'")).toEqual([ann]);
    expect(ids(sf, "SELECT Id FROM Lead WHERE Company LIKE 'C__'")).toEqual([cy]);
    expect(ids(sf, "SELECT Id FROM Lead WHERE Company LIKE 'C\\_%'")).toEqual([cy]);
  });

  it("accepts 15-character ids and case-insensitive names", () => {
    const { sf, bob } = org();
    expect(ids(sf, `select id from lead where id = '${bob.slice(0, 15)}'`)).toEqual([bob]);
    const [row] = sf.query(`SELECT firstname, OWNER.name FROM LEAD WHERE Id IN ('${bob}')`).records;
    expect(row).toMatchObject({ FirstName: "Bob", Owner: { Name: "Sandbox Admin" } });
  });

  it("follows polymorphic Who to Leads and Contacts, in SELECT and WHERE", () => {
    const { sf, ann } = org();
    const contact = sf.insert("Contact", { FirstName: "Dee", LastName: "Ko", Phone: "808-555-0100" });
    sf.insert("Task", { WhoId: ann, Subject: "lead call" });
    sf.insert("Task", { WhoId: contact, Subject: "contact call" });
    const rows = sf.query("SELECT Subject, Who.Name, Who.Phone FROM Task WHERE Who.Name LIKE 'D%'").records;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      Subject: "contact call",
      Who: { attributes: { type: "Contact" }, Name: "Dee Ko" },
    });
  });

  it("supports LIMIT, OFFSET, COUNT(field) and FIELDS(ALL)", () => {
    const { sf, bob, cy } = org();
    expect(ids(sf, "SELECT Id FROM Lead ORDER BY Id LIMIT 2 OFFSET 1")).toEqual([bob, cy]);
    expect(sf.query("SELECT COUNT(City) n, COUNT(Id) FROM Lead").records).toEqual([
      { attributes: { type: "AggregateResult" }, n: 2, expr0: 3 },
    ]);
    const [all] = sf.query("SELECT FIELDS(ALL) FROM Lead LIMIT 1").records;
    expect(Object.keys(all!)).toEqual(expect.arrayContaining(["Id", "Phone", "SystemModstamp", "OwnerId"]));
  });

  it("uses the top-k path for a small LIMIT over many rows with the same result as a full sort", () => {
    const sf = new SalesforceSandbox();
    sf.seedLeads(2000, { seed: 3 });
    const full = ids(sf, "SELECT Id FROM Lead ORDER BY LastName DESC, Id");
    expect(ids(sf, "SELECT Id FROM Lead ORDER BY LastName DESC, Id LIMIT 50")).toEqual(full.slice(0, 50));
  });
});
