import { type CampaignCompliancePolicy, capLimitsFor, type RuleSet } from "../compliance/index.js";
import type { Lead } from "../model/lead.js";
import type { Redis } from "../queues/connection.js";
import type { RedisWrites } from "../queues/redis-writes.js";
import type { AttemptLog } from "./attempt-log.js";
import { AttemptReservations, type ReserveCall, type ReserveResult } from "./attempt-reservations.js";

/** Every number a lead carries: a cap counts calls to the number, whichever record dials it. */
export function leadPhones(lead: Pick<Lead, "phone" | "altPhones">): string[] {
  return [lead.phone, ...(lead.altPhones ?? [])];
}

/**
 * Frequency caps held at lease time: a lease reserves one attempt on each number of its lead under
 * the caps of the lead's jurisdictions and campaign, until the lease's lock expires; an extension
 * moves that end, a release or the outcome's acceptance drops it, an abandoned lease's ends by itself.
 */
export class LeaseCaps {
  readonly reservations: AttemptReservations;

  constructor(
    private readonly redis: Redis,
    attempts: Pick<AttemptLog, "keyOf">,
    private readonly ruleSet: RuleSet,
    private readonly policy: (campaign: string) => CampaignCompliancePolicy,
  ) {
    this.reservations = new AttemptReservations(redis, (phone) => attempts.keyOf(phone));
  }

  reserve(
    lead: Lead,
    campaign: string,
    jurisdictions: readonly string[],
    leaseToken: string,
    now: Date,
    ends: Date,
  ): Promise<ReserveResult> {
    return this.reservations.run(this.call(lead, campaign, jurisdictions, leaseToken, now, ends), now);
  }

  /** `reserve` as a script's keys and arguments, for a caller that runs it with other reads. */
  call(
    lead: Lead,
    campaign: string,
    jurisdictions: readonly string[],
    leaseToken: string,
    now: Date,
    ends: Date,
  ): ReserveCall | undefined {
    const caps = capLimitsFor(this.ruleSet, jurisdictions, this.policy(campaign));
    const phones = lead.altPhones?.length ? leadPhones(lead) : [lead.phone];
    return this.reservations.call(phones, leaseToken, caps, now, ends);
  }

  async extend(lead: Lead, leaseToken: string, now: Date, ends: Date): Promise<void> {
    const pipeline = this.redis.pipeline();
    this.reservations.extend(pipeline, leadPhones(lead), leaseToken, now, ends);
    await pipeline.exec();
  }

  async drop(lead: Lead, leaseToken: string): Promise<void> {
    const pipeline = this.redis.pipeline();
    this.reservations.drop(pipeline, leadPhones(lead), leaseToken);
    await pipeline.exec();
  }

  /** Drop the reservation within other writes (an outcome's acceptance: atomically with its attempt). */
  dropIn(writes: RedisWrites, lead: Lead, leaseToken: string): void {
    this.reservations.drop(writes, leadPhones(lead), leaseToken);
  }
}
