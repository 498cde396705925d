import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { buildProgram } from "../../src/cli/main.js";

const config = (compliance: string) => `
integrations:
  sf:
    vendor: salesforce
    instanceUrl: https://acme.my.salesforce.com
    auth: { type: refresh_token, clientId: my-client, clientSecret: "\${T_UNSET:-s}", refreshToken: "\${T_UNSET:-r}" }
mappings:
  leads:
    fields:
      - { to: phone, from: Phone, transform: [phone] }
sources:
  - { id: open-leads, integration: sf, campaign: q4, mapping: leads, select: { object: Lead } }
campaigns:
  q4: { compliance: ${compliance} }
  full: {}
api:
  keys: ["\${T_UNSET:-0123456789abcdef0123}"]
`;

describe("telesync check: what is not screened against a registry, said loudly", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "telesync-check-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function check(compliance: string): Promise<{ out: string[]; warnings: string[] }> {
    const file = join(dir, "telesync.config.yaml");
    writeFileSync(file, config(compliance));
    const out: string[] = [];
    const warnings: string[] = [];
    const log = vi.spyOn(console, "log").mockImplementation((line: string) => void out.push(line));
    const warn = vi.spyOn(console, "warn").mockImplementation((line: string) => void warnings.push(line));
    try {
      await buildProgram().parseAsync(["node", "telesync", "--config", file, "check"]);
    } finally {
      log.mockRestore();
      warn.mockRestore();
    }
    return { out, warnings };
  }

  it("warns per campaign and country left unscreened, with the reason given", async () => {
    const { out, warnings } = await check(
      '{ requiredRegistries: [US], unscreenedReason: "calls US numbers only" }',
    );
    expect(out[0]).toMatch(/valid \(1 integrations, 1 sources, 2 campaigns\)/);
    expect(warnings).toEqual([
      'WARNING NOT SCREENED: campaign "q4" calls numbers in CA, GB, AU without checking the national do-not-call registry (reason given: calls US numbers only)',
    ]);
  });

  it("says nothing when every registry is required (the default)", async () => {
    expect((await check("{}")).warnings).toEqual([]);
  });

  it("rejects an opt-out without a reason", async () => {
    await expect(check("{ requiredRegistries: none }")).rejects.toThrow(
      /campaigns\.q4\.compliance\.requiredRegistries.*unscreenedReason/s,
    );
  });
});
