import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load.js";
import { ConfigError } from "../../src/errors.js";

const env = { SF_SECRET: "s3cret", SF_REFRESH: "refresh-token", API_KEY: "0123456789abcdef0123" };

function config(realtime: string): string {
  return `integrations:
  sf:
    vendor: salesforce
    instanceUrl: https://acme.my.salesforce.com
    auth:
      type: refresh_token
      clientId: my-client
      clientSecret: \${SF_SECRET}
      refreshToken: \${SF_REFRESH}
${realtime}
mappings:
  leads:
    fields:
      - { to: phone, from: Phone, transform: [phone], required: true }
sources:
  - { id: open_leads, integration: sf, campaign: q4, mapping: leads, every: 5m, select: { object: Lead } }
campaigns:
  q4: {}
api:
  keys:
    - \${API_KEY}
`;
}

function integration(text: string) {
  const sf = parseConfig(text, "telesync.config.yaml", env).integrations.sf;
  if (sf?.vendor !== "salesforce") throw new Error("expected the salesforce integration");
  return sf;
}

describe("Salesforce realtime config", () => {
  it("Change Data Capture is off unless switched on", () => {
    expect(integration(config("")).realtime).toEqual({ changeDataCapture: false });
    expect(integration(config("    realtime: { changeDataCapture: true }")).realtime).toEqual({
      changeDataCapture: true,
    });
  });

  it("refuses an unknown key under realtime", () => {
    expect(() => parseConfig(config("    realtime: { cdc: true }"), "telesync.config.yaml", env)).toThrow(
      ConfigError,
    );
    expect(() => parseConfig(config("    realtime: { cdc: true }"), "telesync.config.yaml", env)).toThrow(
      /integrations\.sf\.realtime.*cdc/,
    );
  });
});
