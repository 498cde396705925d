import { parsePhoneNumberFromString } from "libphonenumber-js/max";
import {
  type CampaignCompliancePolicy,
  defaultRuleSet,
  type GateDecision,
  gate,
  type ParsedPhone,
  type ResolvedLocation,
  type RuleSet,
  readCarriedPhone,
  relocated,
  resolveLocation,
  type SuppressionState,
} from "../compliance/index.js";
import { ownEntry } from "../config/lookup.js";
import { SuppressionList } from "../consent/suppression.js";
import type { Lead } from "../model/lead.js";
import type { Redis } from "../queues/connection.js";
import type { PhoneKeys } from "../security/phone-keys.js";
import { AbandonmentCounter } from "./abandonment-counter.js";
import { AbandonmentGuard } from "./abandonment-guard.js";
import { AttemptLog } from "./attempt-log.js";
import type { ReserveCall, ReserveResult } from "./attempt-reservations.js";
import { DecisionLog, type DecisionRecord, decisionRecord } from "./decision-log.js";
import { DecisionPages, type HeldGroup } from "./decision-pages.js";
import { EmergencyBans } from "./emergency-bans.js";
import { GateReads } from "./gate-reads.js";
import { explainHeld } from "./held-explanation.js";
import { LeaseCaps } from "./lease-caps.js";
import { type LeadLocation, type LeaseGate, type LeaseReservation, toVerdict } from "./lease-gate.js";
import { RegistrySnapshots } from "./registry-snapshots.js";

export type GateStage = DecisionRecord["stage"];

export interface ComplianceGateDependencies {
  redis: Redis;
  prefix: string;
  /** The campaigns' compliance policies (`campaigns.<name>.compliance` of the config). */
  campaigns: Readonly<Record<string, { compliance: CampaignCompliancePolicy }>>;
  /** telesync's clock. */
  now: () => Date;
  /** Names phone numbers in Redis key names (attempt logs) by keyed hash. */
  phoneKeys: PhoneKeys;
  /** Default: the shipped rule data (`defaultRuleSet()`, one shared object). */
  ruleSet?: RuleSet;
}

const HOUR_MS = 3_600_000;

/**
 * The compliance gate wired to telesync's state: for each lead it gathers the campaign's policy,
 * the attempts on the number over the cap window (all campaigns), the internal do-not-call list and
 * the imported registry snapshots, and asks the pure `gate` of `src/compliance` at telesync's clock.
 * Used at sync time (`runSync`) and at lease time (`leaseGate`); every decision that holds or blocks
 * a lead is written to its audit stream (`DecisionLog`).
 */
export class ComplianceGate {
  readonly ruleSet: RuleSet;
  readonly attempts: AttemptLog;
  /** Attempts reserved by leases in flight, counted against the caps with the attempts made. */
  readonly leaseCaps: LeaseCaps;
  readonly abandonment: AbandonmentCounter;
  /** The abandonment status the lease path reads (cached briefly) and outcomes update. */
  readonly abandonmentGuard: AbandonmentGuard;
  readonly registries: RegistrySnapshots;
  readonly decisions: DecisionLog;
  /** The compact sync-time audit of held leads (one entry per page and rule). */
  readonly pages: DecisionPages;
  /** Declared bans (Louisiana emergencies), set by an operator; read on every decision. */
  readonly emergencies: EmergencyBans;
  private readonly suppression: SuppressionList;
  private readonly reads: GateReads;
  private readonly campaigns: ComplianceGateDependencies["campaigns"];
  private readonly clock: () => Date;
  /** Countries of the last snapshot list read: their listings are read with it, not after it. */
  private knownCountries: string[] = [];

  constructor(deps: ComplianceGateDependencies) {
    this.ruleSet = deps.ruleSet ?? defaultRuleSet();
    this.campaigns = deps.campaigns;
    this.clock = deps.now;
    const capHours = [
      24,
      ...this.ruleSet.frequencyCaps.rules.map((rule) => rule.windowHours),
      ...Object.values(deps.campaigns).map((c) => c.compliance.frequencyCap.windowHours),
    ];
    this.attempts = new AttemptLog(deps.redis, deps.prefix, Math.max(...capHours) * HOUR_MS, deps.phoneKeys);
    this.leaseCaps = new LeaseCaps(deps.redis, this.attempts, this.ruleSet, (campaign) =>
      this.policy(campaign),
    );
    this.abandonment = new AbandonmentCounter(deps.redis, deps.prefix);
    this.abandonmentGuard = new AbandonmentGuard({
      counter: this.abandonment,
      threshold: (campaign) => this.policy(campaign).abandonmentThreshold,
      now: deps.now,
    });
    this.registries = new RegistrySnapshots(deps.redis, deps.prefix);
    this.pages = new DecisionPages(deps.redis, deps.prefix);
    const held = {
      redis: deps.redis,
      prefix: deps.prefix,
      campaigns: () => Object.keys(this.campaigns),
      pages: this.pages,
      decide: (leads: readonly Lead[], campaign: string, now: Date) => this.decide(leads, campaign, now),
    };
    this.decisions = new DecisionLog(deps.redis, deps.prefix, (leadKey) => explainHeld(held, leadKey));
    this.emergencies = new EmergencyBans(deps.redis, deps.prefix);
    this.suppression = new SuppressionList(deps.redis, deps.prefix);
    this.reads = new GateReads(deps.redis, deps.prefix, {
      registries: this.registries,
      attempts: this.attempts,
      suppression: this.suppression,
      emergencies: this.emergencies,
      reservations: this.leaseCaps.reservations,
    });
  }

  /** The campaign's compliance policy from the config. */
  policy(campaign: string): CampaignCompliancePolicy {
    const config = ownEntry(this.campaigns, campaign);
    if (!config) throw new Error(`unknown campaign "${campaign}"`);
    return config.compliance;
  }

  /**
   * Decide for leads of one campaign at `now`; reads state, writes nothing (dry runs use this).
   * `parsedPhones[i]`: lead i's phone as the mapping parsed it, so it is not parsed again.
   */
  async decide(
    leads: readonly Lead[],
    campaign: string,
    now: Date = this.clock(),
    parsedPhones?: ReadonlyArray<ParsedPhone | undefined>,
  ): Promise<GateDecision[]> {
    return (await this.decideReserving(leads, campaign, now, { parsedPhones })).decisions;
  }

  /**
   * `decide`, running a lease's reservation (`reserve`) with the reads; `located`: lead i's
   * location as this gate's `locate` resolved it, so a lease resolves it once.
   */
  private async decideReserving(
    leads: readonly Lead[],
    campaign: string,
    now: Date,
    given: {
      parsedPhones?: ReadonlyArray<ParsedPhone | undefined> | undefined;
      located?: ReadonlyArray<ResolvedLocation | undefined>;
      reserve?: ReserveCall | undefined;
    },
  ): Promise<{ decisions: GateDecision[]; reserved?: ReserveResult | undefined }> {
    const { parsedPhones, located, reserve } = given;
    if (leads.length === 0) return { decisions: [] };
    const policy = this.policy(campaign);
    const phones = leads.map((lead) => lead.phone);
    // Every read at once (one round trip, one script for a lease): the listings of the countries
    // whose snapshots were there last time are read with the snapshot list; a country new since
    // then costs one more.
    const guessed = this.knownCountries;
    const numbers =
      leads.length === 1 && !leads[0]?.altPhones?.length
        ? phones
        : [...new Set(leads.flatMap((l) => [l.phone, ...(l.altPhones ?? [])]))];
    const {
      snapshots,
      attempts,
      dnc,
      emergencies,
      listed: guessedListings,
      reserved,
    } = await this.reads.read(phones, numbers, guessed, now, reserve);
    const countries = [...snapshots.keys()];
    this.knownCountries = countries;
    const missing = countries.filter((country) => !guessed.includes(country));
    const listed = missing.length === 0 ? guessedListings : await this.registries.listings(countries, phones);
    // The gate reads a lead only through its location and its do-not-call flag, and a placed
    // location only through its zones and jurisdictions. Leads placed alike with nothing of their
    // own in play (no attempts, on no list, not flagged) get one decision, worked out once per call:
    // shared as is for the same location object (`resolveLocation` shares one per number class and
    // address), else carrying the lead's own location. Most of a sync page's gate time otherwise.
    // (One lead, as at a lease, has nothing to share with: no maps.)
    const shared = leads.length > 1;
    const byLocation = shared ? new Map<ResolvedLocation, GateDecision>() : undefined;
    const byPlace = shared ? new Map<string, GateDecision>() : undefined;
    const decisions = leads.map((lead, i) => {
      const parsedPhone = parsedPhones?.[i];
      const location = located?.[i] ?? resolveLocation(lead, parsedPhone);
      const history = attempts[i] ?? [];
      const internalDnc =
        dnc.size > 0 && [lead.phone, ...(lead.altPhones ?? [])].some((phone) => dnc.has(phone));
      const listedHere = listed[i];
      const plain =
        shared &&
        history.length === 0 &&
        !internalDnc &&
        lead.doNotCall !== true &&
        !(listedHere && listedHere.size > 0);
      const place =
        plain && !location.unknown && location.zones.length > 0
          ? `${location.zones.join(",")}|${location.jurisdictions.join(",")}`
          : undefined;
      if (plain) {
        const same = byLocation?.get(location);
        if (same) return same;
        const alike = place === undefined ? undefined : byPlace?.get(place);
        if (alike) {
          const decision = relocated(alike, location);
          byLocation?.set(location, decision);
          return decision;
        }
      }
      const registries: Record<string, { listed: boolean; snapshotAt: string }> = {};
      for (const [country, snapshot] of snapshots) {
        registries[country] = { listed: listedHere?.has(country) === true, snapshotAt: snapshot.snapshotAt };
      }
      const suppression: SuppressionState = { internalDnc, registries };
      const decision = gate({
        lead,
        campaign: policy,
        policy: this.ruleSet,
        history: { attempts: history },
        suppression,
        emergencies,
        now,
        parsedPhone,
        location,
      });
      if (plain) byLocation?.set(location, decision);
      if (place !== undefined) byPlace?.set(place, decision);
      return decision;
    });
    return { decisions, reserved };
  }

  /**
   * Decide, and audit every decision that holds or blocks a lead: blocks (and lease-time holds) in
   * the lead's own stream; sync-time holds compactly, one page entry per (rule, until).
   */
  async check(
    leads: readonly Lead[],
    campaign: string,
    stage: GateStage,
    now: Date = this.clock(),
    parsedPhones?: ReadonlyArray<ParsedPhone | undefined>,
  ): Promise<GateDecision[]> {
    return (await this.checkReserving(leads, campaign, stage, now, { parsedPhones })).decisions;
  }

  /** `check`, with `decideReserving`'s lease-time inputs. */
  private async checkReserving(
    leads: readonly Lead[],
    campaign: string,
    stage: GateStage,
    now: Date,
    given: Parameters<ComplianceGate["decideReserving"]>[3],
  ): Promise<{ decisions: GateDecision[]; reserved?: ReserveResult | undefined }> {
    const { decisions, reserved } = await this.decideReserving(leads, campaign, now, given);
    const audited: Array<{ leadKey: string; record: DecisionRecord }> = [];
    const held = new Map<string, HeldGroup & { leadKeys: string[] }>();
    decisions.forEach((decision, i) => {
      const lead = leads[i];
      if (!lead || decision.decision === "allow") return;
      if (stage === "sync" && decision.decision === "wait") {
        const until = decision.until.toISOString();
        const group = `${decision.rule.id}\t${decision.rule.version}\t${until}\t${decision.reason}`;
        const entry = held.get(group);
        if (entry) entry.leadKeys.push(lead.key);
        else
          held.set(group, {
            decision: "wait",
            until,
            reason: decision.reason,
            rule: decision.rule,
            leadKeys: [lead.key],
          });
        return;
      }
      audited.push({ leadKey: lead.key, record: decisionRecord(decision, now, stage, campaign) });
    });
    // A lease's allow (most leases) has nothing to audit.
    if (audited.length > 0 || held.size > 0)
      await Promise.all([
        this.decisions.record(audited),
        this.pages.record(campaign, now.toISOString(), stage, [...held.values()]),
      ]);
    return { decisions, reserved };
  }

  /**
   * The lease-time gate (`LeaseGate`) that `LeaseService` asks; it reads the internal DNC list itself
   * and, given a reservation, reserves the lead's frequency caps (`leaseCaps`) in its reads' script.
   */
  readonly leaseGate: LeaseGate = Object.assign(
    async (
      lead: Lead,
      campaign: string,
      now: Date,
      located?: LeadLocation,
      reservation?: LeaseReservation,
    ) => {
      const parsedPhones = located?.phone ? [located.phone] : undefined;
      const reserve =
        reservation && located
          ? this.leaseCaps.call(
              lead,
              campaign,
              located.jurisdictions,
              reservation.token,
              now,
              reservation.ends,
            )
          : undefined;
      const {
        decisions: [decision],
        reserved,
      } = await this.checkReserving([lead], campaign, "lease", now, {
        parsedPhones,
        ...(located?.location ? { located: [located.location] } : {}),
        reserve,
      });
      if (!decision) throw new Error("compliance gate returned no decision");
      const verdict = toVerdict(decision);
      // Nothing to reserve (no cap applies) counts as reserved, as `LeaseCaps.reserve` says.
      return reservation && located ? { ...verdict, reserved: reserved ?? { reserved: true } } : verdict;
    },
    { checksInternalDnc: true, locate: locateLead, reservesCaps: true },
  );
}

/**
 * Where the gate's decision will place the lead (the same pure `resolveLocation`): from what the job
 * carries of the sync's parse when that is of this very number, else parsing the number once.
 */
function locateLead(lead: Lead, carried?: string): LeadLocation {
  const given = readCarriedPhone(carried, lead.phone);
  const number = given ? undefined : parsePhoneNumberFromString(lead.phone);
  const phone = given ?? (number?.isValid() ? number : undefined);
  const location = resolveLocation(lead, phone);
  const { jurisdictions } = location;
  return phone ? { jurisdictions, phone, location } : { jurisdictions, location };
}
