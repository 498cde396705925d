// IANA tz rules of a known release shipped with telesync, never the runtime's Intl data (which lags
// IANA by whatever the Node build carries: Node 20 here has 2025c, before British Columbia, Alberta,
// Northwest Territories and Manitoba stopped changing clocks in 2026).
//
// The data is moment-timezone's packed build of the IANA database (npm `moment-timezone`, MIT; the
// IANA data itself is public domain). Only the JSON is used, decoded here; moment's API is not.
// Packed zone line: `name|abbreviations|offsets|indices|untils|population`, numbers in base 60,
// offsets in minutes west of UTC, untils as minute deltas between transitions.
import packed from "moment-timezone/data/packed/latest.json" with { type: "json" };

/** The IANA tz release the gate computes with (e.g. `2026f`). */
export const tzVersion: string = packed.version;

/** One zone's history: `offsetsMs[i]` (east of UTC) holds until `untilsMs[i]` (exclusive). */
export interface ZoneRules {
  readonly name: string;
  readonly offsetsMs: readonly number[];
  readonly untilsMs: readonly number[];
}

function digit(code: number): number {
  if (code > 96) return code - 87; // a-z → 10-35
  if (code > 64) return code - 29; // A-X → 36-59
  return code - 48; // 0-9
}

function base60(text: string): number {
  const negative = text.startsWith("-");
  const [whole = "", fraction = ""] = (negative ? text.slice(1) : text).split(".");
  let value = 0;
  for (let i = 0; i < whole.length; i++) value = value * 60 + digit(whole.charCodeAt(i));
  let scale = 1;
  for (let i = 0; i < fraction.length; i++) {
    scale /= 60;
    value += digit(fraction.charCodeAt(i)) * scale;
  }
  return negative ? -value : value;
}

function decode(line: string): ZoneRules {
  const [name = "", , offsetText = "", indexText = "", untilText = ""] = line.split("|");
  const offsets = offsetText.split(" ").map(base60);
  const indices = [...indexText].map((c) => digit(c.charCodeAt(0)));
  const deltas = untilText === "" ? [] : untilText.split(" ").map(base60);
  const untilsMs: number[] = [];
  let at = 0;
  for (let i = 0; i < indices.length; i++) {
    at = Math.round(at + (deltas[i] ?? 0) * 60_000);
    untilsMs.push(i === indices.length - 1 ? Number.POSITIVE_INFINITY : at);
  }
  // Packed offsets are minutes west of UTC; the gate wants milliseconds east (local = UTC + offset).
  const offsetsMs = indices.map((i) => Math.round(-(offsets[i] ?? 0) * 60_000));
  return { name, offsetsMs, untilsMs };
}

const lines = new Map<string, string>();
for (const line of packed.zones) lines.set(line.slice(0, line.indexOf("|")), line);
const aliases = new Map<string, string>();
for (const link of packed.links) {
  const [target = "", alias = ""] = link.split("|");
  aliases.set(alias, target);
}

const decoded = new Map<string, ZoneRules>();

/** The rules of an IANA zone or link name, or undefined if this tz release does not know it. */
export function zoneRules(zone: string): ZoneRules | undefined {
  const hit = decoded.get(zone);
  if (hit) return hit;
  const line = lines.get(zone) ?? lines.get(aliases.get(zone) ?? "");
  if (!line) return undefined;
  const rules = decode(line);
  decoded.set(zone, rules);
  return rules;
}

/** Canonical zone a name resolves to (a link's target, or the name itself), or undefined. */
export function canonicalZone(zone: string): string | undefined {
  if (lines.has(zone)) return zone;
  const target = aliases.get(zone);
  return target !== undefined && lines.has(target) ? target : undefined;
}
