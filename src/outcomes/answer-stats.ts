import type { Answers, Script } from "../config/script-schema.js";
import type { Redis } from "../queues/connection.js";
import { redisKeys } from "../queues/keys.js";
import type { RedisWrites } from "../queues/redis-writes.js";
import {
  type AnswerDistribution,
  answerCounterIncrements,
  answerDistribution,
} from "../scripts/distribution.js";

/**
 * Script answers per campaign (`stats:<campaign>:answers`, one hash: outcomes with answers, per
 * question answered, per option / yes-no / number value), for `GET /v1/campaigns/{c}/answers`.
 * Written inside the outcome's acceptance, so a retried outcome never counts twice.
 */
export class AnswerStats {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  key(campaign: string): string {
    return redisKeys(this.prefix).campaignStats(campaign, "answers");
  }

  /** Count an outcome's answers (validated against the script) with its other counters. */
  record(
    writes: RedisWrites,
    campaign: string,
    script: Script | undefined,
    answers: Answers | undefined,
  ): void {
    if (!script || !answers) return;
    for (const field of answerCounterIncrements(script, answers))
      writes.hincrby(this.key(campaign), field, 1);
  }

  async distribution(campaign: string, script: Script): Promise<AnswerDistribution> {
    return answerDistribution(script, await this.redis.hgetall(this.key(campaign)));
  }
}
