import { describe, expect, it } from "vitest";
import { ApiKeyStore } from "../../src/api/auth.js";
import { parseConfig } from "../../src/config/load.js";
import { ConfigError } from "../../src/errors.js";

const base = `
integrations:
  sf:
    vendor: salesforce
    instanceUrl: https://acme.my.salesforce.com
    auth: { type: refresh_token, clientId: c, clientSecret: "\${S}", refreshToken: "\${S}" }
mappings:
  leads: { fields: [{ to: phone, from: Phone }] }
campaigns:
  q4: {}
`;
const env = {
  S: "secret",
  DIALER_NEW: "dialer-new-key-0123456789",
  DIALER_OLD: "dialer-old-key-0123456789",
  ADMIN: "admin-key-0123456789abcdef",
};

function refusal(text: string, environment: Record<string, string> = env): string {
  try {
    parseConfig(text, "t.yaml", environment);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("api.keys: named keys with scopes, hashed at parse time", () => {
  const named = `${base}api:
  keys:
    - { name: dialer-main, key: ["\${DIALER_NEW}", "\${DIALER_OLD:-}"], scopes: [dialer], campaigns: [q4] }
    - { name: ops, key: "\${ADMIN}", scopes: [admin] }
`;

  it("keeps names and scopes, holds no key value, and accepts both values of a rotation", () => {
    const config = parseConfig(named, "t.yaml", env);
    expect(JSON.stringify(config)).not.toMatch(/dialer-new-key|dialer-old-key|admin-key/);
    const store = new ApiKeyStore(config.api.keys);
    expect(store.authenticate(`Bearer ${env.DIALER_NEW}`)?.keyName).toBe("dialer-main");
    expect(store.authenticate(`Bearer ${env.DIALER_OLD}`)?.keyName).toBe("dialer-main");
    expect([...(store.authenticate(`Bearer ${env.ADMIN}`)?.scopes ?? [])]).toEqual(["admin"]);
    expect(store.authenticate(`Bearer ${env.ADMIN}x`)).toBeUndefined();
    expect(store.authenticate(env.ADMIN)).toBeUndefined();
    expect(JSON.stringify(ApiKeyStore.describe(config.api.keys))).not.toMatch(/key-0123|[0-9a-f]{64}/);
  });

  it("an unset old value (`${OLD:-}`) leaves one value; the name and scopes are not taken for secrets", () => {
    const { DIALER_OLD: _unset, ...withoutOld } = env;
    const config = parseConfig(named, "t.yaml", withoutOld);
    expect(config.api.keys[0]?.keyHashes).toHaveLength(1);
  });

  it("refuses an inline key value, a short key and two keys with one name", () => {
    expect(
      refusal(`${base}api:\n  keys:\n    - { name: a, key: inline-key-0123456789, scopes: [admin] }\n`),
    ).toContain("secrets must come from the environment");
    expect(refusal(`${base}api:\n  keys:\n    - { name: a, key: "\${S}", scopes: [admin] }\n`)).toContain(
      "at least 16 characters",
    );
    expect(
      refusal(
        `${base}api:\n  keys:\n    - { name: a, key: "\${ADMIN}", scopes: [admin] }\n    - { name: a, key: "\${DIALER_NEW}", scopes: [dialer] }\n`,
      ),
    ).toContain('duplicate key name "a"');
  });

  it("a `__proto__` campaign in the YAML never becomes a prototype (zod drops the key)", () => {
    const text = base.replace("  q4: {}", "  q4: {}\n  __proto__: { lease: { ttl: 1s } }");
    const config = parseConfig(text, "t.yaml", env);
    expect(Object.keys(config.campaigns)).toEqual(["q4"]);
    expect(Object.getPrototypeOf(config.campaigns)).toBe(Object.prototype);
    expect(({} as { lease?: unknown }).lease).toBeUndefined();
  });
});
