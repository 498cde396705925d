import { createHash } from "node:crypto";
import { type KeyMaterial, keyId, parseKeyList } from "./key-material.js";
import { PhoneKeys } from "./phone-keys.js";
import { TokenCipher } from "./token-cipher.js";

/** The environment variables that hold telesync's own keys (values: `NEW[,OLD…]`, 32 bytes each). */
export const encryptionKeyVariable = "TELESYNC_ENCRYPTION_KEY";
export const hashKeyVariable = "TELESYNC_HASH_KEY";

/** Keys for data at rest: tokens sealed in Redis, phone numbers hashed in key names. */
export interface SecurityKeys {
  tokens: TokenCipher;
  phones: PhoneKeys;
  /**
   * Names of the variables that were missing and replaced by the published development keys:
   * fine for the demo and tests, never for production (the process logs a warning).
   */
  developmentDefaults: string[];
}

export class SecurityKeysError extends Error {
  override readonly name = "SecurityKeysError";
}

/** Public on purpose: anyone can read it here, which is why production refuses it. */
function developmentKey(variable: string): KeyMaterial {
  const key = createHash("sha256").update(`telesync development key: ${variable}`).digest();
  return { id: keyId(key), key };
}

/**
 * Read the keys once at start-up. A missing variable falls back to a development key unless
 * `NODE_ENV=production` (or `requireKeys`), where it is an error: production refuses to start.
 */
export function securityKeysFromEnv(
  env: Record<string, string | undefined>,
  options: { requireKeys?: boolean } = {},
): SecurityKeys {
  const production = env.NODE_ENV === "production" || options.requireKeys === true;
  const developmentDefaults: string[] = [];
  const load = (variable: string): KeyMaterial[] => {
    const value = env[variable];
    if (value === undefined || value.trim() === "") {
      if (production) {
        throw new SecurityKeysError(
          `${variable} is not set: production needs it (32 random bytes, base64: \`openssl rand -base64 32\`); see docs/operations.md`,
        );
      }
      developmentDefaults.push(variable);
      return [developmentKey(variable)];
    }
    const keys = parseKeyList(value, variable);
    if (typeof keys === "string") throw new SecurityKeysError(keys);
    return keys;
  };
  return {
    tokens: new TokenCipher(load(encryptionKeyVariable)),
    phones: new PhoneKeys(load(hashKeyVariable)),
    developmentDefaults,
  };
}
