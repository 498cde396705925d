import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, parseConfig } from "../../src/config/load.js";
import { unscreenedRegistryWarnings } from "../../src/config/registry-coverage.js";
import { configSchema } from "../../src/config/schema.js";
import { ConfigError } from "../../src/errors.js";

const env = { SF_CLIENT_SECRET: "s3cret", SF_REFRESH: "refresh-token", API_KEY: "0123456789abcdef0123" };

const valid = `
integrations:
  sf:
    vendor: salesforce
    instanceUrl: https://acme.my.salesforce.com
    auth:
      type: refresh_token
      clientId: my-client
      clientSecret: \${SF_CLIENT_SECRET}
      refreshToken: \${SF_REFRESH}
mappings:
  leads:
    fields:
      - { to: phone, from: Phone, transform: [phone] }
      - { to: firstName, from: FirstName, transform: [trim] }
sources:
  - id: open-leads
    integration: sf
    campaign: q4
    mapping: leads
    every: 5m
    select: { object: Lead, where: "Status = 'Open'" }
campaigns:
  q4: {}
api:
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

describe("config", () => {
  it("resolves ${VAR} references and applies defaults", () => {
    const config = parseConfig(valid, "telesync.config.yaml", env);
    const sf = config.integrations.sf;
    expect(sf?.vendor).toBe("salesforce");
    if (sf?.vendor !== "salesforce") throw new Error("unreachable");
    expect(sf.auth).toMatchObject({ clientSecret: "s3cret", refreshToken: "refresh-token" });
    expect(sf.apiVersion).toBe("62.0");
    expect(config.sources[0]?.every).toBe(300_000);
    expect(config.redis.prefix).toBe("{telesync}");
    // The old shape (a bare reference) is an admin key named key-1; only its SHA-256 is kept.
    expect(config.api.keys).toEqual([
      {
        name: "key-1",
        // sha256("0123456789abcdef0123"), computed with `printf %s 0123456789abcdef0123 | sha256sum`
        keyHashes: ["1bd8fd47297046f993e608e398d5905b00a33e163c6b1172dd38887fed05ed6a"],
        scopes: ["admin"],
        legacy: true,
      },
    ]);
  });

  it("names the variable and the path when an env var is missing", () => {
    const error = problemsOf(valid, { SF_CLIENT_SECRET: "x", API_KEY: "0123456789abcdef0123" });
    expect(error.message).toContain("telesync.config.yaml");
    expect(error.message).toContain("integrations.sf.auth.refreshToken (line 10)");
    expect(error.message).toContain("environment variable SF_REFRESH is not set");
  });

  it("refuses an inline secret", () => {
    const error = problemsOf(valid.replace("${SF_CLIENT_SECRET}", "hunter2"));
    expect(error.problems[0]?.path).toBe("integrations.sf.auth.clientSecret (line 9)");
    expect(error.problems[0]?.message).toContain("secrets must come from the environment");
    expect(error.message).not.toContain("hunter2");
  });

  it("says what was expected and what was found", () => {
    const error = problemsOf(valid.replace("every: 5m", "every: soon"));
    expect(error.message).toContain("sources[0].every (line 21)");
    expect(error.message).toContain('found "soon"');
  });

  it("validates the vendor-specific select block", () => {
    const error = problemsOf(valid.replace("object: Lead,", "object: Leed,"));
    expect(error.problems.some((p) => p.path.startsWith("sources[0].select"))).toBe(true);
    expect(error.message).toContain("salesforce source");
  });

  it("takes Account (business or person) and custom-object sources; names a misplaced accounts key and a bad objects entry", () => {
    const custom = parseConfig(
      valid
        .replace(
          "object: Lead, where: \"Status = 'Open'\"",
          "object: Donor__c, where: \"Stage__c = 'Active'\"",
        )
        .replace(
          "      refreshToken: ${SF_REFRESH}",
          "      refreshToken: ${SF_REFRESH}\n    objects:\n      Donor__c: { doNotCallField: Do_Not_Call__c }",
        ),
      "telesync.config.yaml",
      env,
    );
    expect(custom.sources[0]?.select).toEqual({ object: "Donor__c", where: "Stage__c = 'Active'" });
    const sf = custom.integrations.sf;
    if (sf?.vendor !== "salesforce") throw new Error("unreachable");
    expect(sf.objects).toEqual({ Donor__c: { doNotCallField: "Do_Not_Call__c" } });
    expect(() =>
      parseConfig(valid.replace("object: Lead,", "object: Account, accounts: person,"), "t.yaml", env),
    ).not.toThrow();

    const misplaced = problemsOf(valid.replace("object: Lead,", "object: Lead, accounts: person,"));
    expect(misplaced.message).toContain("sources[0].select.accounts");
    expect(misplaced.message).toContain("applies to object: Account only");
    const badObject = problemsOf(
      valid.replace(
        "      refreshToken: ${SF_REFRESH}",
        "      refreshToken: ${SF_REFRESH}\n    objects:\n      Lead: { doNotCallField: DoNotCall }",
      ),
    );
    expect(badObject.message).toContain("expected Account or a custom object's API name like Donor__c");
  });

  it("reports unknown references between sections", () => {
    const error = problemsOf(
      valid.replace("campaign: q4", "campaign: q5").replace("mapping: leads", "mapping: nope"),
    );
    expect(error.message).toContain('unknown campaign "q5"; expected one of "q4"');
    expect(error.message).toContain('unknown mapping "nope"; expected one of "leads"');
  });

  it("checks a campaign's compliance policy: hours, days and required registries", () => {
    const error = problemsOf(
      valid.replace(
        "q4: {}",
        "q4: { compliance: { callingHours: [{ start: '21:00', end: '08:00' }], requiredRegistries: [FR] } }",
      ),
    );
    expect(error.message).toContain("campaigns.q4.compliance.callingHours[0]");
    expect(error.message).toContain("start must be before end");
    const registry = problemsOf(
      valid.replace("q4: {}", "q4: { compliance: { requiredRegistries: [US, CA, GB, AU, FR] } }"),
    );
    expect(registry.problems.map((p) => p.path)).toEqual([
      expect.stringMatching(/^campaigns\.q4\.compliance\.requiredRegistries\[4\]/),
    ]);
    expect(registry.message).toContain('no registry rule (snapshot age limit) for FR; expected one of "US"');
  });

  it("requires a phone rule in every mapping", () => {
    const error = problemsOf(valid.replace("- { to: phone, from: Phone, transform: [phone] }", ""));
    expect(error.message).toContain('no rule maps to "phone"');
  });

  it("rejects ids that would break job ids and keys", () => {
    const error = problemsOf(valid.replace("id: open-leads", "id: 'open:leads'"));
    expect(error.problems[0]?.path).toMatch(/^sources\[0\]\.id/);
  });

  it("reports YAML syntax errors with the file name", () => {
    const error = problemsOf("integrations: [\n  - a: b\n");
    expect(error.message).toContain("telesync.config.yaml");
    expect(error.message).toContain("YAML syntax");
  });

  it("names a missing file and how to fix it", () => {
    expect(() => loadConfig("/nonexistent/telesync.config.yaml", env)).toThrow(
      /file not found: pass --config/,
    );
  });

  it("loads a file from disk", () => {
    const dir = mkdtempSync(join(tmpdir(), "telesync-config-"));
    const file = join(dir, "telesync.config.yaml");
    writeFileSync(file, valid);
    expect(loadConfig(file, env).sources).toHaveLength(1);
  });
});

describe("telesync.config.example.yaml", () => {
  it("is a valid config with only its documented defaults", () => {
    const config = loadConfig("telesync.config.example.yaml", {});
    expect(config.sources.map((s) => s.id)).toEqual(["open_leads"]);
    expect(config.integrations.salesforce_main?.vendor).toBe("salesforce");
    expect(config.campaigns.q4_outbound?.compliance).toMatchObject({
      callingDays: ["mon", "tue", "wed", "thu", "fri", "sat"],
      callingHours: [{ start: "09:00", end: "20:00" }],
      unknownLocation: "block",
      requiredRegistries: ["US", "CA", "GB", "AU"],
      abandonmentThreshold: 0.025,
    });
  });

  it("gives a campaign without a compliance block the defaults, requiring every country's registry", () => {
    const bare = configSchema.parse({ integrations: {}, mappings: {}, campaigns: { plain: {} } });
    expect(bare.campaigns.plain?.compliance).toEqual({
      callingDays: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"],
      callingHours: [{ start: "00:00", end: "24:00" }],
      unknownLocation: "block",
      frequencyCap: { maxAttempts: 5, windowHours: 24 },
      requiredRegistries: ["US", "CA", "GB", "AU"],
      registryMaxAgeDays: {},
      abandonmentThreshold: 0.025,
    });
    expect(bare.dispositions).toContain("abandoned");
  });
});

describe("registry screening by default (issue 9 item 6)", () => {
  const parse = (compliance: unknown) =>
    configSchema.safeParse({ integrations: {}, mappings: {}, campaigns: { c: { compliance } } });

  it("refuses to leave a registry country unscreened without a reason, naming the path and the countries", () => {
    for (const compliance of [{ requiredRegistries: "none" }, { requiredRegistries: ["US"] }]) {
      const result = parse(compliance);
      expect(result.success).toBe(false);
      const issue = result.error?.issues[0];
      expect(issue?.path).toEqual(["campaigns", "c", "compliance", "requiredRegistries"]);
      expect(issue?.message).toContain(
        compliance.requiredRegistries === "none" ? "US, CA, GB, AU" : "CA, GB, AU",
      );
      expect(issue?.message).toContain("unscreenedReason");
    }
  });

  it("accepts `none` with a reason, as no required registry, and warns which countries are not screened", () => {
    const result = parse({
      requiredRegistries: "none",
      unscreenedReason: "B2B campaign to business lines only",
    });
    expect(result.success).toBe(true);
    if (!result.success) return;
    expect(result.data.campaigns.c?.compliance.requiredRegistries).toEqual([]);
    expect(unscreenedRegistryWarnings(result.data)).toEqual([
      'NOT SCREENED: campaign "c" calls numbers in US, CA, GB, AU without checking the national do-not-call registry (reason given: B2B campaign to business lines only)',
    ]);
  });

  it("a campaign requiring every registry needs no reason and draws no warning", () => {
    const result = parse({});
    expect(result.success && unscreenedRegistryWarnings(result.data)).toEqual([]);
  });
});
