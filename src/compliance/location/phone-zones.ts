import { phoneTimezonesText } from "../data/phone-timezones.js";

let table: Map<string, readonly string[]> | undefined;
let longest = 0;

function load(): Map<string, readonly string[]> {
  if (table) return table;
  table = new Map();
  for (const raw of phoneTimezonesText.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const bar = line.indexOf("|");
    const prefix = line.slice(0, bar);
    table.set(prefix, Object.freeze(line.slice(bar + 1).split("&")));
    longest = Math.max(longest, prefix.length);
  }
  return table;
}

/** Result of a longest-prefix lookup in libphonenumber's time-zone map. */
export interface PrefixZones {
  /** The prefix that matched (country calling code included). */
  readonly prefix: string;
  readonly zones: readonly string[];
}

/** Longest-prefix match of an E.164 number's digits (no `+`), as libphonenumber's mapper does. */
export function zonesForDigits(digits: string): PrefixZones | undefined {
  const map = load();
  for (let length = Math.min(digits.length, longest); length > 0; length--) {
    const prefix = digits.slice(0, length);
    const zones = map.get(prefix);
    if (zones) return { prefix, zones };
  }
  return undefined;
}

/** Every zone of a country calling code (the map's country-level line), or none. */
export function zonesForCallingCode(callingCode: string): readonly string[] {
  return load().get(callingCode) ?? [];
}

/** Every zone named anywhere in the map (for data checks). */
export function allPhoneZones(): ReadonlySet<string> {
  return new Set([...load().values()].flat());
}
