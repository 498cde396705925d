import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { buildProgram } from "../../src/cli/main.js";
import { ConfigError } from "../../src/errors.js";

const secret = "sk-live-0123456789abcdef-do-not-print";

/**
 * One config with eight deliberate, different mistakes. Each comment says what is wrong; the line
 * numbers in `expected` are counted by hand from this text (line 1 is `redis:`).
 */
const mistakes = `redis:
  url: redis://127.0.0.1:6379
integrations:
  sf:
    vendor: salesforce
    instanceUrl: https://acme.my.salesforce.com
    auth:
      type: refresh_token
      clientId: my-client
      clientSecret: \${SF_SECRET}
      refreshToken: \${SF_REFRESH}
mappings:
  leads:
    fields:
      - { to: phone, from: Phone, transfrom: [phone] }
      - { to: firstName, from: FirstName, requird: true }
sources:
  - id: open_leads
    integration: sf
    campaign: q4
    mapping: leads
    evrey: 5m
    select: { object: Lead, wehre: "Status = 'Open'" }
  - id: broken_where
    integration: sf
    campaign: q5
    mapping: leads
    select: { object: Lead, where: "Status = 'Open' AND (Country = 'US'" }
campaigns:
  q4:
    lease: { tll: 5m }
api:
  prot: 8081
  keys:
    - \${SHORT_KEY}
`;

const expected: Array<{ path: string; line: number; fix: RegExp }> = [
  { path: "mappings.leads.fields[0].transfrom", line: 15, fix: /did you mean `transform`\?/ },
  { path: "mappings.leads.fields[1].requird", line: 16, fix: /did you mean `required`\?/ },
  { path: "sources[0].evrey", line: 22, fix: /did you mean `every`\?/ },
  { path: "sources[0].select.wehre", line: 23, fix: /did you mean `where`\?/ },
  { path: "sources[1].campaign", line: 26, fix: /unknown campaign "q5"; expected one of "q4"/ },
  { path: "sources[1].select.where", line: 28, fix: /has a '\(' without its '\)'/ },
  { path: "campaigns.q4.lease.tll", line: 31, fix: /did you mean `ttl`\?/ },
  { path: "api.prot", line: 33, fix: /did you mean `port`\?/ },
];

describe("telesync check on a config with eight mistakes", () => {
  const dir = mkdtempSync(join(tmpdir(), "telesync-check-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reports all eight, each with file, path, line and the fix, and prints no secret", async () => {
    const file = join(dir, "telesync.config.yaml");
    writeFileSync(file, mistakes);
    vi.stubEnv("SF_SECRET", "s3cret");
    vi.stubEnv("SF_REFRESH", "refresh");
    vi.stubEnv("SHORT_KEY", secret.slice(0, 10));
    const printed = vi.spyOn(console, "log").mockImplementation(() => {});
    let error: unknown;
    try {
      await buildProgram().exitOverride().parseAsync(["node", "telesync", "--config", file, "check"]);
    } catch (caught) {
      error = caught;
    } finally {
      printed.mockRestore();
      vi.unstubAllEnvs();
    }
    expect(error).toBeInstanceOf(ConfigError);
    const configError = error as ConfigError;
    expect(configError.message).toContain(`Invalid config ${file}`);
    for (const mistake of expected) {
      const problem = configError.problems.find((p) => p.path.startsWith(`${mistake.path} (`));
      expect(problem, mistake.path).toBeDefined();
      expect(problem?.path).toBe(`${mistake.path} (line ${mistake.line})`);
      expect(problem?.message).toMatch(mistake.fix);
    }
    // Nine problems: the eight above and the short API key, whose value is not shown.
    const key = configError.problems.find((p) => p.path.startsWith("api.keys[0]"));
    expect(key?.message).toContain("at least 16 characters");
    expect(configError.problems).toHaveLength(9);
    expect(configError.message).not.toContain(secret.slice(0, 10));
  });
});
