import type { Opening } from "./window-search.js";

/**
 * A ban on solicitation calls to a jurisdiction declared by an authority for a period, e.g. a
 * Louisiana state of emergency (La. R.S. 45:844.31: no telephonic solicitation while it lasts).
 * It is an input of the gate: an operator records it (`telesync compliance emergency set LA`).
 */
export interface EmergencyBan {
  /** `US-LA` (a jurisdiction as the gate's location resolves it). */
  readonly jurisdiction: string;
  /** ISO instant the ban starts; absent = already in force. */
  readonly from?: string | undefined;
  /** ISO instant the ban ends (exclusive). */
  readonly until: string;
  readonly reason: string;
}

export interface ActiveBan {
  readonly ban: EmergencyBan;
  readonly start: number;
  readonly end: number;
}

/** The bans that apply to a lead located in any of `jurisdictions`, as instants. */
export function bansFor(
  bans: readonly EmergencyBan[] | undefined,
  jurisdictions: readonly string[],
): ActiveBan[] {
  return (bans ?? [])
    .filter((ban) => jurisdictions.includes(ban.jurisdiction))
    .map((ban) => ({
      ban,
      start: ban.from ? Date.parse(ban.from) : Number.NEGATIVE_INFINITY,
      end: Date.parse(ban.until),
    }))
    .filter((b) => !Number.isNaN(b.start) && !Number.isNaN(b.end) && b.start < b.end);
}

/** The ban in force at instant `t`, if any (the one lasting longest). */
export function banAt(bans: readonly ActiveBan[], t: number): ActiveBan | undefined {
  return bans.filter((b) => b.start <= t && t < b.end).sort((x, y) => y.end - x.end)[0];
}

/**
 * The earliest opening that no ban covers: `search(from)` finds the next opening of the calling
 * windows; a ban in force at it moves the search to the ban's end; a ban starting inside the window
 * shortens it. Returns the opening and the ban that closes it early, if one does.
 */
export function openingOutsideBans(
  bans: readonly ActiveBan[],
  from: number,
  search: (from: number) => Opening | undefined,
): { opening: Opening; closedBy?: ActiveBan } | undefined {
  let t = from;
  for (let round = 0; round <= bans.length; round++) {
    const opening = search(t);
    if (!opening) return undefined;
    const covering = banAt(bans, opening.at);
    if (covering) {
      t = covering.end;
      continue;
    }
    const next = bans
      .filter((b) => b.start > opening.at && b.start < opening.closes)
      .sort((x, y) => x.start - y.start)[0];
    return next ? { opening: { ...opening, closes: next.start }, closedBy: next } : { opening };
  }
  return undefined;
}
