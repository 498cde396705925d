import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load.js";
import { editDistance, nearestKey } from "../../src/config/suggest.js";
import { ConfigError } from "../../src/errors.js";

const env = {
  SF_SECRET: "s3cret",
  SF_REFRESH: "refresh-token",
  HS_TOKEN: "pat-na1-token",
  API_KEY: "0123456789abcdef0123",
};

const base = `integrations:
  sf:
    vendor: salesforce
    instanceUrl: https://acme.my.salesforce.com
    auth:
      type: refresh_token
      clientId: my-client
      clientSecret: \${SF_SECRET}
      refreshToken: \${SF_REFRESH}
  hs:
    vendor: hubspot
    auth:
      type: private_app
      accessToken: \${HS_TOKEN}
mappings:
  leads:
    fields:
      - { to: phone, from: Phone, transform: [phone], required: true }
sources:
  - id: open_leads
    integration: sf
    campaign: q4
    mapping: leads
    every: 5m
    select: { object: Lead, where: "Status = 'Open'" }
  - id: hs_search
    integration: hs
    campaign: q4
    mapping: leads
    select:
      search:
        filterGroups:
          - filters:
              - { propertyName: lifecyclestage, operator: EQ, value: lead }
campaigns:
  q4:
    lease: { ttl: 5m }
api:
  port: 8080
  keys:
    - \${API_KEY}
`;

function problemsOf(text: string, environment: Record<string, string> = env): ConfigError {
  try {
    parseConfig(text, "telesync.config.yaml", environment);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

/** The 1-based line of the first line of `text` containing `needle` (the oracle for reported lines). */
function lineOf(text: string, needle: string): number {
  const index = text.split("\n").findIndex((line) => line.includes(needle));
  if (index < 0) throw new Error(`no line with ${needle}`);
  return index + 1;
}

function edit(from: string, to: string): string {
  if (!base.includes(from)) throw new Error(`fixture has no ${from}`);
  return base.replace(from, to);
}

describe("a config that refuses mistakes", () => {
  it("the fixture itself is valid", () => {
    expect(parseConfig(base, "telesync.config.yaml", env).sources).toHaveLength(2);
  });

  it.each([
    ["wehre", 'where: "Status', "sources[0].select.wehre", "where"],
    ["evrey", "every: 5m", "sources[0].evrey", "every"],
    ["tll", "ttl: 5m", "campaigns.q4.lease.tll", "ttl"],
    ["prot", "port: 8080", "api.prot", "port"],
    ["requird", "required: true", "mappings.leads.fields[0].requird", "required"],
    ["transfrom", "transform: [phone]", "mappings.leads.fields[0].transfrom", "transform"],
  ])("refuses `%s` and names the key, its line and the nearest known key", (typo, from, path, meant) => {
    const text = edit(from, from.replace(meant, typo));
    const error = problemsOf(text);
    expect(error.problems).toEqual([
      {
        path: `${path} (line ${lineOf(text, `${typo}:`)})`,
        message: `unknown key \`${typo}\`; did you mean \`${meant}\`?`,
      },
    ]);
  });

  it("refuses unknown keys in a vendor's own block and in HubSpot filters", () => {
    const text = edit("vendor: hubspot", "vendor: hubspot\n    burstLimitPer10: 190").replace(
      "operator: EQ, value: lead",
      "operator: EQ, vlaue: lead",
    );
    const error = problemsOf(text);
    expect(error.problems.map((p) => [p.path, p.message])).toEqual([
      [
        `integrations.hs.burstLimitPer10 (line ${lineOf(text, "burstLimitPer10:")})`,
        "unknown key `burstLimitPer10`; did you mean `burstLimitPer10s`?",
      ],
      [
        `sources[1].select.search.filterGroups[0].filters[0].vlaue (line ${lineOf(text, "vlaue:")})`,
        "unknown key `vlaue`; did you mean `value`?",
      ],
    ]);
  });

  it("lists the allowed keys when no known key is near", () => {
    const error = problemsOf(edit("lease: { ttl: 5m }", "lease: { ttl: 5m, colour: red }"));
    expect(error.problems[0]?.message).toBe("unknown key `colour`; expected one of `ttl`");
  });

  it("runs the checks a pull would refuse later: SOQL syntax and balance, HubSpot's filter limits", () => {
    const syntax = problemsOf(edit("where: \"Status = 'Open'\"", "where: \"Status = = 'Open'\""));
    expect(syntax.problems).toEqual([
      {
        path: `sources[0].select.where (line ${lineOf(base, "where:")})`,
        message: expect.stringMatching(/^where is not valid SOQL: /),
      },
    ]);
    const escaping = problemsOf(
      edit("where: \"Status = 'Open'\"", "where: \"Status = 'Open') OR (Id != null\""),
    );
    expect(escaping.problems[0]?.message).toBe("where has a ')' without its '('");
    // HubSpot allows 6 filters per group; telesync adds 2 to page incrementally, so 5 is one too many.
    const five = Array.from(
      { length: 5 },
      (_v, i) => `\n              - { propertyName: p${i}, operator: HAS_PROPERTY }`,
    ).join("");
    const budget = problemsOf(
      edit("              - { propertyName: lifecyclestage, operator: EQ, value: lead }", five.slice(1)),
    );
    expect(budget.problems).toEqual([
      {
        path: `sources[1].select.search (line ${lineOf(base, "search:")})`,
        message: expect.stringContaining("at most 4 filters per group"),
      },
    ]);
  });

  it("checks each HubSpot filter's values against its operator, as HubSpot's search would", () => {
    const text = edit(
      "              - { propertyName: lifecyclestage, operator: EQ, value: lead }",
      [
        "              - { propertyName: a, operator: BETWEEN, value: '1' }",
        "              - { propertyName: b, operator: IN, value: x }",
        "              - { propertyName: c, operator: HAS_PROPERTY, value: x }",
        "              - { propertyName: d, operator: IN, values: [x, y] }",
      ].join("\n"),
    );
    const at = (j: number, needle: string) =>
      `sources[1].select.search.filterGroups[0].filters[${j}] (line ${lineOf(text, needle)})`;
    expect(problemsOf(text).problems).toEqual([
      { path: at(0, "BETWEEN"), message: "BETWEEN takes `value` and `highValue`" },
      { path: at(1, "operator: IN, value:"), message: "IN takes `values` (a list, only)" },
      { path: at(2, "HAS_PROPERTY"), message: "HAS_PROPERTY takes no value" },
    ]);
  });

  it("refuses a field name a Salesforce pull could never select", () => {
    const text = edit("{ to: phone, from: Phone,", "{ to: phone, from: Account.Owner.Phone,");
    expect(problemsOf(text).problems).toEqual([
      {
        path: `mappings.leads.fields[0].from (line ${lineOf(text, "Account.Owner.Phone")})`,
        message: expect.stringContaining('"Account.Owner.Phone": a Salesforce field name looks like'),
      },
    ]);
  });

  it("never prints the value of a secret field, not even a wrong one", () => {
    const shortKey = "tiny-secret";
    const error = problemsOf(base, { ...env, API_KEY: shortKey });
    expect(error.problems).toEqual([
      {
        path: `api.keys[0] (line ${lineOf(base, "${API_KEY}")})`,
        message: expect.stringContaining("found a secret value (not shown)"),
      },
    ]);
    expect(error.message).not.toContain(shortKey);
    const typed = problemsOf(edit("clientSecret: ${SF_SECRET}", "clientSecret: 123456789"));
    expect(typed.problems[0]?.path).toBe(
      `integrations.sf.auth.clientSecret (line ${lineOf(base, "clientSecret:")})`,
    );
    expect(typed.message).not.toContain("123456789");
    // A YAML syntax error quotes no source text, which could hold an inline secret.
    const duplicate = problemsOf(
      edit("clientId: my-client", "clientId: my-client\n      clientSecret: 123456789"),
    );
    expect(duplicate.message).toContain("YAML syntax: Map keys must be unique at line");
    expect(duplicate.message).not.toContain("123456789");
  });
});

describe("nearest key", () => {
  it("counts a swap of neighbours as one edit", () => {
    expect(editDistance("wehre", "where")).toBe(1);
    expect(editDistance("tll", "ttl")).toBe(1);
    expect(editDistance("requird", "required")).toBe(1);
    expect(editDistance("kitten", "sitting")).toBe(3);
  });

  it("suggests only a key that is close enough", () => {
    expect(nearestKey("evrey", ["id", "every", "select"])).toBe("every");
    expect(nearestKey("colour", ["ttl"])).toBeUndefined();
  });
});
