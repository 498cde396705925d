import type { TokenStore } from "../../connectors/types.js";
import type { Redis } from "../queues/connection.js";
import { redisKeys } from "../queues/keys.js";
import { securityKeysFromEnv } from "../security/security-keys.js";
import type { TokenCipher } from "../security/token-cipher.js";

/**
 * Access tokens shared by every worker of an integration: one refresh serves all of them. Sealed
 * with AES-256-GCM (`TokenCipher`), bound to their key; a value this process cannot open (written
 * in clear before encryption, or under a key no longer held) reads as "no token", so the connector
 * refreshes and stores a sealed one. Tokens expire on the CRM side; the TTL only keeps Redis tidy.
 */
export class RedisTokenStore implements TokenStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    /** Default: the keys in the environment (`TELESYNC_ENCRYPTION_KEY`, see `securityKeysFromEnv`). */
    private readonly cipher: TokenCipher = securityKeysFromEnv(process.env).tokens,
    private readonly ttlSeconds = 12 * 3600,
  ) {}

  private key(integrationId: string): string {
    return redisKeys(this.prefix).token(integrationId);
  }

  async get(integrationId: string): Promise<string | undefined> {
    const key = this.key(integrationId);
    const sealed = await this.redis.get(key);
    return sealed === null ? undefined : this.cipher.open(sealed, key);
  }

  async set(integrationId: string, accessToken: string): Promise<void> {
    const key = this.key(integrationId);
    await this.redis.set(key, this.cipher.seal(accessToken, key), "EX", this.ttlSeconds);
  }
}
