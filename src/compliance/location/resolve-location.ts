import { type PhoneNumber, parsePhoneNumberFromString } from "libphonenumber-js/max";
import type { Lead } from "../../model/lead.js";
import { nanpAreaCodes } from "../data/nanp-area-codes.js";
import { auAreaZones, regionNames, regionZones, singleZoneCountries } from "../data/region-zones.js";
import { TextPool } from "../text-pool.js";
import { isValidZone } from "../time/zoned.js";
import { zonesForCallingCode, zonesForDigits } from "./phone-zones.js";
import { regionsForPostalCode } from "./postal.js";

/**
 * A number as libphonenumber parsed it and found valid: the mapping's parse (`parsePhone` keeps
 * valid numbers only), carried to the gate so a sync parses and validates each number once; or what
 * a dial job carries of that parse (`readCarriedPhone`). Only what the location reads of a
 * `PhoneNumber`.
 */
export interface ParsedPhone {
  /** E.164. */
  readonly number: string;
  readonly countryCallingCode: string;
  readonly country?: string | undefined;
  readonly nationalNumber: string;
  getType(): string | undefined;
}

/** The lead fields that say where the called party may be. */
export type LocationInput = Pick<Lead, "phone" | "country" | "region" | "postalCode" | "timeZone">;

/** Where a lead may be: every candidate, so the gate can intersect their rules. */
export interface ResolvedLocation {
  /** Candidate IANA zones: phone prefix ∪ CRM address (state, postal code) ∪ CRM time zone. */
  readonly zones: readonly string[];
  /** Candidate jurisdictions (`US`, `US-FL`, `CA-ON`, `GB`, `AU`): area code ∪ address, sorted. */
  readonly jurisdictions: readonly string[];
  /** True when the number itself gives no location (toll-free, non-geographic, invalid, country-wide). */
  readonly unknown: boolean;
  /** Every zone of the number's country, for the `allow-federal-only` unknown-location policy. */
  readonly countryZones: readonly string[];
  /** Human-readable trail of how each candidate was found, for audit. */
  readonly basis: readonly string[];
}

const countryAliases: Readonly<Record<string, string>> = {
  UK: "GB",
  USA: "US",
  "UNITED STATES": "US",
  "UNITED KINGDOM": "GB",
  CANADA: "CA",
  AUSTRALIA: "AU",
};
const usTerritories = new Set(["PR", "VI", "GU", "AS", "MP"]);
const crownDependencies = new Set(["GG", "JE", "IM"]);
/** NANP countries whose area codes `nanp-area-codes` covers (the rest use libphonenumber's map). */
const nanpCountries = new Set(["US", "CA", ...usTerritories]);
/** Number types that are tied to a place (NANP mobiles are tied to their area code). */
const geographicTypes = new Set(["FIXED_LINE", "FIXED_LINE_OR_MOBILE", "MOBILE"]);

/** `country` → the jurisdictions that govern it (US territories are under US federal law). */
function countryJurisdictions(country: string): string[] {
  if (usTerritories.has(country)) return ["US", `US-${country}`];
  if (crownDependencies.has(country)) return ["GB"];
  return [country];
}

function normalizeCountry(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const upper = value.trim().toUpperCase();
  const code = countryAliases[upper] ?? upper;
  return /^[A-Z]{2}$/.test(code) ? code : undefined;
}

function regionJurisdiction(country: string, region: string): string | undefined {
  const upper = region.trim().toUpperCase().replace(/\./g, "");
  const bare = upper.startsWith(`${country}-`) ? upper.slice(country.length + 1) : upper;
  const code = regionNames[bare] ?? bare;
  const jurisdiction = `${country}-${code}`;
  return regionZones[jurisdiction] ? jurisdiction : undefined;
}

/** The cached locations of many numbers share an address's basis lines instead of each holding copies. */
const basisLines = new TextPool(10_000);

class Collector {
  readonly zones = new Set<string>();
  readonly jurisdictions = new Set<string>();
  readonly basis: string[] = [];
  frozen(): Pick<PhonePart, "zones" | "jurisdictions" | "basis"> {
    return {
      zones: Object.freeze([...this.zones]),
      jurisdictions: Object.freeze([...this.jurisdictions]),
      basis: Object.freeze([...this.basis]),
    };
  }
  addRegion(jurisdiction: string, why: string): void {
    const zones = regionZones[jurisdiction] ?? [];
    this.jurisdictions.add(jurisdiction);
    this.jurisdictions.add(jurisdiction.slice(0, 2));
    for (const zone of zones) this.zones.add(zone);
    this.basis.push(basisLines.shared(`${why} → ${jurisdiction} (${zones.join(", ")})`));
  }
}

/** What the number alone says: a class key (same key, same part) when it can be shared. */
interface PhonePart {
  readonly zones: readonly string[];
  readonly jurisdictions: readonly string[];
  readonly basis: readonly string[];
  readonly unknown: boolean;
  readonly country?: string;
  readonly countryZones: readonly string[];
}

/**
 * The number's part of the location. Every geographic answer depends only on a prefix of the number
 * (NANP area code, AU area digit, the country for a mobile, libphonenumber's longest prefix), so it
 * is cached under that prefix, bounded: a sync of a million numbers computes each area once. Answers
 * that name the number itself (invalid, non-geographic, unknown prefix) are not cached.
 */
function fromPhone(
  phone: string,
  /** The caller's parse, known valid (the mapping keeps valid parses only), or this one's to check. */
  parsed: ParsedPhone | undefined,
): { part: PhonePart; classKey?: string } {
  const out = new Collector();
  if (!parsed) {
    out.basis.push(`phone ${phone}: not a valid number → location unknown`);
    return { part: { ...out.frozen(), unknown: true, countryZones: [] } };
  }
  const callingCode = parsed.countryCallingCode;
  const country = parsed.country;
  const nanp = callingCode === "1" && country !== undefined && nanpCountries.has(country);
  const type = nanp ? nanpType(country, parsed) : (parsed.getType() ?? "UNKNOWN");
  const auArea = callingCode === "61" && type !== "MOBILE" && auAreaZones[parsed.nationalNumber.charAt(0)];
  const countryMobile = type === "MOBILE" && callingCode !== "1";
  const hit = nanp || auArea || countryMobile ? undefined : zonesForDigits(phone.slice(1));
  const classKey = !geographicTypes.has(type)
    ? undefined
    : nanp
      ? `${country}|${type}|${parsed.nationalNumber.slice(0, 3)}`
      : auArea
        ? `61|${type}|${parsed.nationalNumber.charAt(0)}`
        : countryMobile
          ? `${callingCode}|${country ?? ""}|mobile`
          : hit
            ? `${callingCode}|${country ?? ""}|${type}|+${hit.prefix}`
            : undefined;
  const cached = classKey === undefined ? undefined : phoneParts.get(classKey);
  if (cached) return { part: cached, classKey: classKey as string };
  const countryZones = [...zonesForCallingCode(callingCode)];
  if (country) for (const j of countryJurisdictions(country)) out.jurisdictions.add(j);
  if (!geographicTypes.has(type)) {
    out.basis.push(`phone ${phone}: ${type} number (${country ?? "no country"}) → location unknown`);
    return { part: { ...out.frozen(), unknown: true, ...(country ? { country } : {}), countryZones } };
  }
  let unknown = false;
  if (nanp) {
    // US, its territories and Canada: the audited area-code table, every zone of the area.
    const areaCode = parsed.nationalNumber.slice(0, 3);
    const area = nanpAreaCodes[areaCode];
    if (!area) {
      unknown = true;
      out.basis.push(`phone ${phone}: area code ${areaCode} not in nanp-area-codes → location unknown`);
    } else {
      for (const zone of area.zones) out.zones.add(zone);
      for (const jurisdiction of area.regions) {
        out.jurisdictions.add(jurisdiction);
        out.jurisdictions.add(jurisdiction.slice(0, 2));
      }
      out.basis.push(
        `area code ${areaCode} → ${area.regions.join(", ")} (presumed residence), zones ${area.zones.join(", ")} (nanp-area-codes, checked ${area.checked})`,
      );
    }
  } else if (auArea) {
    const digit = parsed.nationalNumber.charAt(0);
    for (const zone of auArea) out.zones.add(zone);
    out.basis.push(`phone +61 area code 0${digit} → ${auArea.join(", ")} (ACMA area map)`);
  } else if (countryMobile) {
    // Outside NANP a mobile number is not tied to a place: every zone of the country is a candidate.
    for (const zone of countryZones) out.zones.add(zone);
    out.basis.push(`mobile phone in +${callingCode} → every zone of the country`);
  } else {
    const countryWide = !hit || (hit.prefix === callingCode && hit.zones.length > 1);
    if (!hit || countryWide || hit.zones.includes("Etc/Unknown")) {
      unknown = true;
      out.basis.push(`phone ${phone}: prefix gives only the country → location unknown`);
    } else {
      for (const zone of hit.zones) out.zones.add(zone);
      out.basis.push(`phone prefix +${hit.prefix} → ${hit.zones.join(", ")} (libphonenumber)`);
    }
  }
  const part: PhonePart = Object.freeze({
    ...out.frozen(),
    unknown,
    ...(country ? { country } : {}),
    countryZones: Object.freeze(countryZones),
  });
  // A part naming the number (its basis says `phone +…`) is this number's alone: not shared.
  if (classKey === undefined || part.basis.some((line) => line.includes(phone))) return { part };
  if (phoneParts.size >= PHONE_PART_LIMIT) phoneParts.delete(phoneParts.keys().next().value as string);
  phoneParts.set(classKey, part);
  return { part, classKey };
}

function fromAddress(input: LocationInput, phoneCountry: string | undefined, out: Collector): void {
  const given = normalizeCountry(input.country);
  if (input.country && !given) out.basis.push(`address country "${input.country}" not recognised`);
  const owner = given ? countryJurisdictions(given) : undefined;
  const country = owner?.[0] ?? (phoneCountry ? countryJurisdictions(phoneCountry)[0] : undefined);
  for (const j of owner ?? []) {
    out.jurisdictions.add(j);
    if (j.includes("-")) out.addRegion(j, `address country ${given}`);
  }
  if (!country) return;
  if (input.region) {
    const jurisdiction = regionJurisdiction(country, input.region);
    if (jurisdiction) out.addRegion(jurisdiction, `address region ${input.region}`);
    else out.basis.push(`address region "${input.region}" not recognised in ${country}`);
  }
  if (input.postalCode) {
    const regions = regionsForPostalCode(country, input.postalCode);
    for (const region of regions) {
      const jurisdiction = regionJurisdiction(country, region);
      if (jurisdiction) out.addRegion(jurisdiction, `postal code ${input.postalCode}`);
    }
  }
  const single = given ? singleZoneCountries[given] : undefined;
  if (single && !input.region) {
    out.zones.add(single);
    out.basis.push(`address country ${given} → ${single}`);
  }
}

/**
 * A valid NANP number's type by its country and first six national digits (area code and exchange):
 * the numbering plan assigns types by area code (toll-free, premium, personal) or by exchange, never
 * below, so numbers that share the six digits share the type. `getType` is as costly as the parse.
 */
const nanpTypes = new Map<string, string>();
const NANP_TYPE_LIMIT = 20_000;
function nanpType(country: string, parsed: ParsedPhone): string {
  const key = `${country}${parsed.nationalNumber.slice(0, 6)}`;
  const known = nanpTypes.get(key);
  if (known) return known;
  const type = parsed.getType() ?? "UNKNOWN";
  if (nanpTypes.size >= NANP_TYPE_LIMIT) nanpTypes.delete(nanpTypes.keys().next().value as string);
  nanpTypes.set(key, type);
  return type;
}

function validParse(phone: string): PhoneNumber | undefined {
  const parsed = parsePhoneNumberFromString(phone);
  return parsed?.isValid() ? parsed : undefined;
}

/** Phone parts by number class (area code or prefix), and whole locations by class and address. */
const phoneParts = new Map<string, PhonePart>();
const PHONE_PART_LIMIT = 10_000;
const cache = new Map<string, ResolvedLocation>();
// An entry holds its address's basis lines and arrays (~0.5-1.5 KB): 10,000 bound it to a few MiB of
// live heap, which V8 multiplies into the old-space ceiling of a long sync (50,000 let it reach ~60 MiB).
const CACHE_LIMIT = 10_000;

/**
 * Where the called party may be: candidate zones and jurisdictions from the number (for US, territories
 * and Canada the audited area-code table with every zone of the area; elsewhere libphonenumber's
 * prefix → zone map) united with the CRM address and time zone. Pure and memoized by number class
 * (area code or prefix, not the whole number) and address; arrays in the result are frozen and shared.
 * `parsed`: the number as the mapping already parsed and validated it (used when `lead.phone` is its
 * E.164 form), so a sync parses and validates each number once; without it the number is parsed here.
 */
export function resolveLocation(input: LocationInput, parsed?: ParsedPhone): ResolvedLocation {
  const given = parsed !== undefined && parsed.number === input.phone;
  const number = given ? parsed : validParse(input.phone);
  const { part: phone, classKey } = fromPhone(input.phone, number);
  // A part shared by its class is keyed by the class; one that names the number, by the number.
  const key = `${classKey ?? input.phone}|${input.country ?? ""}|${input.region ?? ""}|${input.postalCode ?? ""}|${input.timeZone ?? ""}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const out = new Collector();
  for (const zone of phone.zones) out.zones.add(zone);
  for (const jurisdiction of phone.jurisdictions) out.jurisdictions.add(jurisdiction);
  out.basis.push(...phone.basis);
  fromAddress(input, phone.country, out);
  if (input.timeZone) {
    if (isValidZone(input.timeZone)) {
      out.zones.add(input.timeZone);
      out.basis.push(`CRM time zone ${input.timeZone}`);
    } else {
      out.basis.push(`CRM time zone "${input.timeZone}" is not an IANA zone: ignored`);
    }
  }
  const result: ResolvedLocation = Object.freeze({
    zones: Object.freeze([...out.zones]),
    jurisdictions: Object.freeze([...out.jurisdictions].sort()),
    unknown: phone.unknown,
    // A class's part is frozen and shared: one copy of a country's zones, not one per cached entry.
    countryZones: Object.isFrozen(phone.countryZones)
      ? phone.countryZones
      : Object.freeze([...phone.countryZones]),
    basis: Object.freeze(out.basis),
  });
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, result);
  return result;
}
