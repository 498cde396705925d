import type { Redis } from "ioredis";
import type { TokenStore } from "../../connectors/types.js";

/**
 * Access tokens shared by every worker of an integration: one refresh serves all of them.
 * Tokens expire on the CRM side; the TTL only keeps Redis tidy.
 */
export class RedisTokenStore implements TokenStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlSeconds = 12 * 3600,
  ) {}

  private key(integrationId: string): string {
    return `${this.prefix}:token:${integrationId}`;
  }

  async get(integrationId: string): Promise<string | undefined> {
    return (await this.redis.get(this.key(integrationId))) ?? undefined;
  }

  async set(integrationId: string, accessToken: string): Promise<void> {
    await this.redis.set(this.key(integrationId), accessToken, "EX", this.ttlSeconds);
  }
}
