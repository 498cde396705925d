import { describe, expect, it } from "vitest";
import { SalesforceConnector } from "../../../connectors/salesforce/connector.js";
import { escapeSoslTerm, phoneSosl } from "../../../connectors/salesforce/find-by-phone.js";
import type { PhoneQuery } from "../../../connectors/types.js";
import {
  api,
  fixture,
  instance,
  now,
  salesforceConfig,
  testContext,
  useSalesforceHarness,
} from "./helpers.js";

const query: PhoneQuery = {
  e164: "+14155550199",
  nationalDigits: "4155550199",
  forms: ["+14155550199", "4155550199", "(415) 555-0199", "+1 415-555-0199"],
};

describe("SOSL escaping (FIND reserved characters, SOSL reference: & | ! ( ) { } [ ] ^ \" ~ * ? : \\ ' + -)", () => {
  it("puts a backslash before each reserved character and leaves the rest", () => {
    expect(escapeSoslTerm("a&b|c!d(e)f{g}h[i]j^k\"l~m*n?o:p\\q'r+s-t")).toBe(
      "a\\&b\\|c\\!d\\(e\\)f\\{g\\}h\\[i\\]j\\^k\\\"l\\~m\\*n\\?o\\:p\\\\q\\'r\\+s\\-t",
    );
    expect(escapeSoslTerm("+1 (415) 555-0199")).toBe("\\+1 \\(415\\) 555\\-0199");
  });

  it("cannot close the search term early or add clauses", () => {
    const sosl = phoneSosl(["x} IN ALL FIELDS RETURNING User(Id, Email) //\n{"]);
    expect(sosl).toBe(
      "FIND {x\\} IN ALL FIELDS RETURNING User\\(Id, Email\\) // \\{} IN PHONE FIELDS RETURNING Lead(Id, Name, Phone, MobilePhone LIMIT 20), Contact(Id, Name, Phone, MobilePhone, HomePhone LIMIT 20)",
    );
  });
});

describe("SalesforceConnector.findByPhone (nock, documented wire format)", () => {
  const h = useSalesforceHarness();

  it("sends the SOSL phone search, keeps exact matches only, links each record, and takes a limiter slot", async () => {
    const expectedSosl =
      "FIND {4155550199} IN PHONE FIELDS RETURNING Lead(Id, Name, Phone, MobilePhone LIMIT 20), Contact(Id, Name, Phone, MobilePhone, HomePhone LIMIT 20)";
    instance().get(`${api}/search`).query({ q: expectedSosl }).reply(200, fixture("search-phone.json"));
    await h.tokens.set("sf", "00DRO000000abcd!AQ0AQStoredToken");
    const buckets: string[] = [];
    const ctx = testContext(h.tokens);
    const connector = new SalesforceConnector(
      salesforceConfig(),
      {
        ...ctx,
        rateLimiter: {
          ...ctx.rateLimiter,
          acquire: async (bucket) => {
            buckets.push(bucket);
            return 0;
          },
        },
      },
      { now: () => now },
    );
    const matches = await connector.findByPhone(query);
    expect(matches).toEqual([
      {
        objectType: "Lead",
        id: "00Q5e00000AbCdEEAV",
        name: "Ada Byron",
        phoneField: "Phone",
        phone: "(415) 555-0199",
        url: "https://acme.my.salesforce.com/lightning/r/Lead/00Q5e00000AbCdEEAV/view",
      },
      {
        objectType: "Contact",
        id: "0035e00000XyZaBAAV",
        name: "Cy Young",
        phoneField: "HomePhone",
        phone: "+1 415-555-0199",
        url: "https://acme.my.salesforce.com/lightning/r/Contact/0035e00000XyZaBAAV/view",
      },
    ]);
    expect(buckets).toEqual(["salesforce:sf:search"]);
  });
});
