import { describe, expect, it } from "vitest";
import { connect, sandboxServer } from "./helpers.js";

type Found = { searchRecords: Array<{ attributes: { type: string }; Id: string; Phone?: string | null }> };

/**
 * The sandbox's SOSL phone search over real jsforce: `FIND {a OR b}` matches records carrying either
 * number (SOSL FIND reference: logical operators AND, OR, AND NOT), digits compared without
 * punctuation, and what it finds follows writes (its phone index rebuilds when rows change).
 */
describe("SOSL phone search (sandbox)", () => {
  it("ORs terms, ignores punctuation, and follows an update of the phone", async () => {
    const sandbox = await sandboxServer();
    const a = sandbox.salesforce.insert("Lead", { LastName: "A", Company: "X", Phone: "(415) 555-0101" });
    const b = sandbox.salesforce.insert("Lead", { LastName: "B", Company: "X", Phone: "+1 415.555.0102" });
    sandbox.salesforce.insert("Lead", { LastName: "C", Company: "X", Phone: "415-555-0103" });
    const account = sandbox.salesforce.insert("Account", { Name: "Acme", Phone: "4155550102" });
    const conn = connect(sandbox);
    const search = async (terms: string) =>
      (
        (await conn.search(
          `FIND {${terms}} IN PHONE FIELDS RETURNING Lead(Id, Phone LIMIT 10), Account(Id, Phone LIMIT 10)`,
        )) as unknown as Found
      ).searchRecords.map((r) => [r.attributes.type, r.Id]);

    expect(await search("4155550101 OR 4155550102")).toEqual([
      ["Lead", a],
      ["Lead", b],
      ["Account", account],
    ]);
    sandbox.salesforce.update("Lead", a, { Phone: "(415) 555-0199" });
    expect(await search("4155550101")).toEqual([]);
    expect(await search("4155550199")).toEqual([["Lead", a]]);
  });
});
