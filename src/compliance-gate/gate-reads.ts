import type { EmergencyBan } from "../compliance/index.js";
import type { SuppressionList } from "../consent/suppression.js";
import type { Redis } from "../queues/connection.js";
import { redisKeys } from "../queues/keys.js";
import type { AttemptLog } from "./attempt-log.js";
import {
  type AttemptReservations,
  type ReserveCall,
  type ReserveResult,
  reserveLua,
  reserveResult,
} from "./attempt-reservations.js";
import type { EmergencyBans } from "./emergency-bans.js";
import type { RegistrySnapshot, RegistrySnapshots } from "./registry-snapshots.js";

/** What the gate reads from Redis for a set of leads: the state its pure decision runs on. */
export interface GateState {
  snapshots: ReadonlyMap<string, RegistrySnapshot>;
  /** Attempt times per primary phone (sorted). */
  attempts: Date[][];
  /** The suppressed numbers among every number of the leads. */
  dnc: Set<string>;
  emergencies: EmergencyBan[];
  /** Per primary phone: the countries (among `countries`) whose snapshot lists it. */
  listed: Array<Set<string>>;
  /** The countries `listed` was read for. */
  countries: readonly string[];
  /** The reservation asked for with the reads (`read`'s `reserve`), when one was. */
  reserved?: ReserveResult;
}

/**
 * Every read of one decision in one script (one command, one round trip): the snapshot list, the
 * emergency bans, the internal do-not-call flags, the registry listings of the countries given,
 * and the attempt sets; and a lease's reservation of its frequency caps, when asked (`reserve`).
 * KEYS: snapshots hash, bans hash, DNC set, `nl` listing sets, attempt sets, then `nr` reservation
 * keys. ARGV: nl, np (primary phones), nd (every number), attempts-from score, nr, primary phones,
 * numbers, then the reservation's arguments. The reservation runs first; its result is out[6].
 */
const readScript = `${reserveLua}
local nl, np, nd = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local from, nr = ARGV[4], tonumber(ARGV[5])
local reserved = nr > 0 and reserve(KEYS, #KEYS - nr + 1, #KEYS, ARGV, 6 + np + nd) or false
local phones, numbers = {}, {}
for i = 1, np do phones[i] = ARGV[5 + i] end
for i = 1, nd do numbers[i] = ARGV[5 + np + i] end
local out = { redis.call('HGETALL', KEYS[1]), redis.call('HGETALL', KEYS[2]) }
out[3] = nd > 0 and redis.call('SMISMEMBER', KEYS[3], unpack(numbers)) or {}
local listings = {}
for c = 1, nl do listings[c] = np > 0 and redis.call('SMISMEMBER', KEYS[3 + c], unpack(phones)) or {} end
out[4] = listings
local attempts = {}
for k = 4 + nl, #KEYS - nr do
  attempts[#attempts + 1] = redis.call('ZRANGEBYSCORE', KEYS[k], from, '+inf', 'WITHSCORES')
end
out[5] = attempts
out[6] = reserved
return out
`;

/** Above this many numbers a decision reads by pipeline (a script's `unpack` has a stack limit). */
const maxScriptedNumbers = 64;

interface ReadCommands {
  telesyncGateReads(
    ...args: Array<string | number>
  ): Promise<[string[], string[], number[], number[][], string[][], number | null]>;
}

function pairs(flat: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 1; i < flat.length; i += 2) out[flat[i - 1] as string] = flat[i] as string;
  return out;
}

/**
 * The gate's reads. With every key in one slot (the single-slot layout) and a few numbers (a lease),
 * one script; otherwise every read in flight at once (one round trip, one command per read).
 */
export class GateReads {
  private readonly redis: Redis & ReadCommands;
  private readonly scripted: boolean;

  constructor(
    redis: Redis,
    prefix: string,
    private readonly parts: {
      registries: RegistrySnapshots;
      attempts: AttemptLog;
      suppression: SuppressionList;
      emergencies: EmergencyBans;
      /** Needed for `read`'s `reserve` only. */
      reservations?: AttemptReservations;
    },
  ) {
    this.scripted = redisKeys(prefix).singleSlot;
    if (!("telesyncGateReads" in redis)) redis.defineCommand("telesyncGateReads", { lua: readScript });
    this.redis = redis as Redis & ReadCommands;
  }

  /**
   * The state for leads with these primary `phones` and `numbers` (every number of theirs), the
   * listings read for `countries` (the caller's guess of which snapshots exist; it reads again for
   * any country the snapshot list names beyond it). With `reserve` (a lease's reservation of its
   * frequency caps, `AttemptReservations.call`), the reservation runs with them: in the same script,
   * or beside the reads' commands.
   */
  async read(
    phones: readonly string[],
    numbers: readonly string[],
    countries: readonly string[],
    now: Date,
    reserve?: ReserveCall,
  ): Promise<GateState> {
    const { registries, attempts, suppression, emergencies, reservations } = this.parts;
    if (reserve && !reservations) throw new Error("GateReads: a reservation needs the reservations part");
    if (!this.scripted || numbers.length + phones.length > maxScriptedNumbers) {
      const [snapshots, attemptTimes, dnc, bans, listed, reserved] = await Promise.all([
        registries.snapshots(),
        attempts.read(phones, now),
        suppression.suppressedAmong(numbers),
        emergencies.bans(),
        registries.listings(countries, phones),
        reserve ? reservations?.run(reserve, now) : undefined,
      ]);
      return {
        snapshots,
        attempts: attemptTimes,
        dnc,
        emergencies: bans,
        listed,
        countries,
        ...(reserved ? { reserved } : {}),
      };
    }
    const names = attempts.keyNames(phones);
    const keys = [
      registries.snapshotsKey,
      emergencies.bansKey,
      suppression.phonesKey,
      ...countries.map((country) => registries.listingKey(country)),
      ...names.flat(),
      ...(reserve?.keys ?? []),
    ];
    const [snapshotsRaw, bansRaw, dncFlags, listingFlags, attemptReplies, reservedRaw] =
      await this.redis.telesyncGateReads(
        keys.length,
        ...keys,
        countries.length,
        phones.length,
        numbers.length,
        `(${now.getTime() - attempts.retentionMs}`,
        reserve?.keys.length ?? 0,
        ...phones,
        ...numbers,
        ...(reserve?.args ?? []),
      );
    return {
      ...(reserve ? { reserved: reserveResult(Number(reservedRaw), now) } : {}),
      snapshots: registries.parseSnapshotReply(snapshotsRaw),
      attempts: attempts.parse(names, attemptReplies),
      dnc: new Set(numbers.filter((_phone, i) => dncFlags[i] === 1)),
      emergencies: emergencies.parseBans(pairs(bansRaw)),
      listed: registries.parseListings(countries, phones, listingFlags),
      countries,
    };
  }
}
