/**
 * The Redis writes that counters make (dispositions, attempts, abandonment), declared alone so one
 * `record` call can fill an ioredis pipeline or a batch that a Lua script applies atomically.
 */
export interface RedisWrites {
  hincrby(key: string, field: string, increment: number): unknown;
  pexpire(key: string, milliseconds: number): unknown;
  zadd(key: string, score: number, member: string): unknown;
  zremrangebyscore(key: string, min: string, max: string): unknown;
  zrem(key: string, member: string): unknown;
}
