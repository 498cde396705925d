import type { ChangeStream, ChangeStreamPositions } from "../../connectors/types.js";
import type { Logger } from "../observability/logger.js";
import type { Redis } from "../queues/connection.js";
import { acquireFencedLock, type FencedLock, type FencedLockKeys } from "../queues/fenced-lock.js";

/**
 * An integration's change-stream positions, written only while `fence` still holds the leader lock
 * (one script: compare the fence key, then HSET), so a leader that stalled past its lock and wakes
 * up cannot move the replay ids under the leader that took over.
 */
export class FencedChangeStreamPositions implements ChangeStreamPositions {
  constructor(
    private readonly redis: Pick<Redis, "hget" | "eval">,
    private readonly positionsKey: string,
    private readonly fenceKey: string,
    private readonly fence: number,
  ) {}

  async get(channel: string): Promise<string | undefined> {
    return (await this.redis.hget(this.positionsKey, channel)) ?? undefined;
  }

  async set(channel: string, position: string): Promise<void> {
    const written = await this.redis.eval(
      "if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end redis.call('HSET', KEYS[1], ARGV[2], ARGV[3]) return 1",
      2,
      this.positionsKey,
      this.fenceKey,
      String(this.fence),
      channel,
      position,
    );
    if (written !== 1)
      throw new Error(`change stream leadership lost (fence ${this.fence}): position not stored`);
  }
}

export interface ChangeStreamLeaderDependencies {
  redis: Redis;
  integrationId: string;
  /** `change-stream:<integration>` (the positions hash); the lock keys hang off it. */
  positionsKey: string;
  /** How long the lock outlives a leader that stopped renewing it; renewed every third of it. */
  ttlMs: number;
  /** Start following with positions written under this fence; undefined when there is nothing to follow. */
  follow(positions: ChangeStreamPositions): Promise<ChangeStream | undefined>;
  log: Pick<Logger, "info" | "warn" | "error">;
}

/**
 * One leader per integration for its change stream, among every worker: a fenced lock in Redis
 * (`change-stream:<integration>:lock|fence`), renewed every third of its TTL. The leader subscribes
 * and applies the events; the others try again as often, and the first to find the lock free (the
 * leader stopped and released it, or crashed and let it lapse) takes over and resumes from the
 * stored replay ids. A leader whose renewal fails closes its stream at once.
 */
export class ChangeStreamLeader {
  private lock: FencedLock | undefined;
  private stream: ChangeStream | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** One step at a time: an attempt, a renewal or the close. */
  private chain: Promise<void> = Promise.resolve();
  private readonly keys: FencedLockKeys;

  constructor(private readonly deps: ChangeStreamLeaderDependencies) {
    this.keys = { lock: `${deps.positionsKey}:lock`, fence: `${deps.positionsKey}:fence` };
  }

  /** The stream while this worker leads. */
  get current(): ChangeStream | undefined {
    return this.stream;
  }

  /** Try once now (so a lone worker follows as soon as it starts), then keep trying or renewing. */
  async start(): Promise<void> {
    await this.step();
  }

  private step(): Promise<void> {
    this.chain = this.chain
      .then(() => this.tick())
      .catch((error: unknown) => {
        this.deps.log.error(
          { err: error, integration: this.deps.integrationId },
          "change stream leadership step failed",
        );
      });
    return this.chain.then(() => this.schedule());
  }

  private schedule(): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.step(), Math.max(50, Math.floor(this.deps.ttlMs / 3)));
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.closed) return;
    if (this.lock) {
      // A renewal that fails (Redis unreachable) may let the lock lapse to another worker: step down.
      const renewed = await this.lock.heartbeat().catch(() => false);
      if (renewed) return;
      this.deps.log.warn(
        { integration: this.deps.integrationId, fence: this.lock.fence },
        "change stream leadership lost: closing the stream",
      );
      await this.stepDown();
      return;
    }
    const attempt = await acquireFencedLock(this.deps.redis, this.keys, this.deps.ttlMs);
    if (!attempt.acquired) return;
    this.lock = attempt.lock;
    const { fence } = attempt.lock;
    try {
      this.stream = await this.deps.follow(
        new FencedChangeStreamPositions(this.deps.redis, this.deps.positionsKey, this.keys.fence, fence),
      );
    } catch (error) {
      this.deps.log.error(
        { err: error, integration: this.deps.integrationId },
        "change stream did not start; pulls carry on alone",
      );
    }
    if (!this.stream) {
      // Nothing to follow (or it failed to start): let another worker, or a later attempt, try.
      await this.stepDown();
      return;
    }
    this.deps.log.info({ integration: this.deps.integrationId, fence }, "change stream leader");
  }

  private async stepDown(): Promise<void> {
    const { stream, lock } = this;
    this.stream = undefined;
    this.lock = undefined;
    await stream?.close();
    // Without Redis the lock cannot be released: it lapses after its TTL.
    await lock?.release().catch(() => {});
  }

  /** Stop following and hand the lock over (released, not left to lapse). */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.chain = this.chain.then(() => this.stepDown());
    await this.chain;
  }
}
