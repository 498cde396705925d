import type { Redis } from "./connection.js";

/**
 * A fenced lock: each holder gets a number one higher than the last (its fence). Writes that must
 * come from the current holder check the fence key in the same script, so a holder that stalled
 * past its lock (GC pause, network partition) and carries on cannot overwrite a newer run's work.
 */
export interface FencedLock {
  readonly fence: number;
  readonly ttlMs: number;
  /** Keep the lock alive; false when a newer holder took over (this run must stop). */
  heartbeat(): Promise<boolean>;
  release(): Promise<void>;
}

export type LockAttempt =
  | { acquired: true; lock: FencedLock }
  /** Held by fence `heldBy`; it expires in `expiresInMs` unless its holder is alive and renews it. */
  | { acquired: false; heldBy: number; expiresInMs: number };

export interface FencedLockKeys {
  lock: string;
  fence: string;
}

const ACQUIRE = `
local held = redis.call('GET', KEYS[1])
if held then return {0, tonumber(held), redis.call('PTTL', KEYS[1])} end
local fence = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], fence, 'PX', ARGV[1])
return {1, fence, tonumber(ARGV[1])}
`;

/** Renew; if the lock lapsed but nobody took it since (fence unchanged), take it back. */
const HEARTBEAT = `
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0
`;

/**
 * Take the lock for `ttlMs` (a duration: Redis expires it, no host clock involved). A crashed
 * holder's lock lapses after at most `ttlMs`; a live one renews it with `heartbeat`.
 */
export async function acquireFencedLock(
  redis: Redis,
  keys: FencedLockKeys,
  ttlMs: number,
): Promise<LockAttempt> {
  const [ok, fence, ttl] = (await redis.eval(ACQUIRE, 2, keys.lock, keys.fence, String(ttlMs))) as number[];
  if (ok !== 1) return { acquired: false, heldBy: Number(fence), expiresInMs: Math.max(0, Number(ttl)) };
  const own = String(fence);
  return {
    acquired: true,
    lock: {
      fence: Number(fence),
      ttlMs,
      heartbeat: async () =>
        (await redis.eval(HEARTBEAT, 2, keys.lock, keys.fence, own, String(ttlMs))) === 1,
      release: async () => {
        await redis.eval(RELEASE, 1, keys.lock, own);
      },
    },
  };
}
