import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RedisTokenStore } from "../../src/runtime/redis-token-store.js";
import { parseKeyList } from "../../src/security/key-material.js";
import { PhoneKeys } from "../../src/security/phone-keys.js";
import { SecurityKeysError, securityKeysFromEnv } from "../../src/security/security-keys.js";
import { TokenCipher } from "../../src/security/token-cipher.js";
import { dropPrefix, redisUrl, uniquePrefix } from "../support/redis.js";

const keyA = randomBytes(32).toString("base64");
const keyB = randomBytes(32).toString("base64");
const keys = (value: string) => {
  const parsed = parseKeyList(value, "TEST_KEY");
  if (typeof parsed === "string") throw new Error(parsed);
  return parsed;
};

describe("OAuth tokens in Redis are sealed with AES-256-GCM", () => {
  let redis: Redis;
  let prefix: string;
  beforeEach(() => {
    redis = new Redis(redisUrl());
    prefix = uniquePrefix();
  });
  afterEach(async () => {
    redis.disconnect();
    await dropPrefix(prefix);
  });

  it("stores no token text, and reads it back", async () => {
    const store = new RedisTokenStore(redis, prefix, new TokenCipher(keys(keyA)));
    const token = "00D5e000000abcd!AQ0AQH.access-token-value";
    await store.set("sf", token);
    const raw = (await redis.get(`${prefix}:token:sf`)) as string;
    expect(raw).not.toContain("access-token-value");
    expect(raw.startsWith("enc1.")).toBe(true);
    expect(await store.get("sf")).toBe(token);
  });

  it("a rotation reads tokens sealed under the previous key; without it they read as missing", async () => {
    await new RedisTokenStore(redis, prefix, new TokenCipher(keys(keyA))).set("sf", "old-token");
    const rotated = new RedisTokenStore(redis, prefix, new TokenCipher(keys(`${keyB},${keyA}`)));
    expect(await rotated.get("sf")).toBe("old-token");
    await rotated.set("sf", "new-token");
    expect(await new RedisTokenStore(redis, prefix, new TokenCipher(keys(keyB))).get("sf")).toBe("new-token");
    expect(await new RedisTokenStore(redis, prefix, new TokenCipher(keys(keyA))).get("sf")).toBeUndefined();
  });

  it("a token written in clear (before encryption), tampered or moved to another key reads as missing", async () => {
    const store = new RedisTokenStore(redis, prefix, new TokenCipher(keys(keyA)));
    await redis.set(`${prefix}:token:sf`, "legacy-clear-token");
    expect(await store.get("sf")).toBeUndefined();
    await store.set("sf", "token-one");
    const sealed = (await redis.get(`${prefix}:token:sf`)) as string;
    const parts = sealed.split(".");
    const body = Buffer.from(parts[4] as string, "base64url");
    body[0] = (body[0] as number) ^ 1;
    await redis.set(`${prefix}:token:sf`, [...parts.slice(0, 4), body.toString("base64url")].join("."));
    expect(await store.get("sf")).toBeUndefined();
    await redis.set(`${prefix}:token:hs`, sealed);
    expect(await store.get("hs")).toBeUndefined();
  });
});

describe("keys from the environment", () => {
  it("production refuses to start without them, naming the variable", () => {
    expect(() => securityKeysFromEnv({ NODE_ENV: "production" })).toThrow(SecurityKeysError);
    expect(() => securityKeysFromEnv({ NODE_ENV: "production", TELESYNC_ENCRYPTION_KEY: keyA })).toThrow(
      /TELESYNC_HASH_KEY/,
    );
    const ready = securityKeysFromEnv({
      NODE_ENV: "production",
      TELESYNC_ENCRYPTION_KEY: keyA,
      TELESYNC_HASH_KEY: keyB,
    });
    expect(ready.developmentDefaults).toEqual([]);
  });

  it("outside production a missing key becomes a development key, said so", () => {
    const dev = securityKeysFromEnv({});
    expect(dev.developmentDefaults).toEqual(["TELESYNC_ENCRYPTION_KEY", "TELESYNC_HASH_KEY"]);
    // Shared by every process of a demo (api and worker read each other's tokens).
    expect(securityKeysFromEnv({}).phones.current("+14155550123")).toBe(dev.phones.current("+14155550123"));
  });

  it("a malformed key is refused (not silently weakened)", () => {
    expect(() => securityKeysFromEnv({ TELESYNC_ENCRYPTION_KEY: "short" })).toThrow(/32 bytes/);
  });
});

describe("phone numbers in key names", () => {
  it("are an HMAC: no digits of the number, stable, and the previous key still named after rotation", () => {
    const before = new PhoneKeys(keys(keyA));
    const after = new PhoneKeys(keys(`${keyB},${keyA}`));
    const name = before.current("+14155550123");
    expect(name).toMatch(/^[0-9a-f]{32}$/);
    expect(name).not.toContain("4155550123");
    expect(after.current("+14155550123")).not.toBe(name);
    expect(after.all("+14155550123")).toEqual([after.current("+14155550123"), name]);
    expect(before.current("+14155550124")).not.toBe(name);
  });
});
