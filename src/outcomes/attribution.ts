import type { Lead } from "../model/lead.js";

/** How an inbound call found its one lead, in the order tried. */
export type AttributedBy = "leadKey" | "recent-lease" | "single-match" | "newest" | "created-lead";

/** `create-lead` acts only when no record carries the number; several are asked about, as `ask`. */
export type InboundPolicy = "ask" | "newest" | "create-lead";

/** A lead telesync knows (it has a job in a campaign queue) and the campaign it is queued in. */
export interface KnownLead {
  lead: Lead;
  campaign: string;
}

/** A candidate the agent may pick from when the caller is ambiguous: no number, no full name. */
export interface CallerCandidate {
  leadKey: string;
  name: string;
  modifiedAt: string;
}

export type AttributionInput = {
  /** The lead most recently leased for the number, when within the attribution window. */
  recentLease: KnownLead | undefined;
  /** Every known lead that carries the number. */
  matches: KnownLead[];
  policy: InboundPolicy;
};

export type Attribution =
  | { ok: true; lead: KnownLead; by: AttributedBy }
  | { ok: false; problem: "unknown_caller" }
  | { ok: false; problem: "ambiguous_caller"; candidates: CallerCandidate[] };

/** "Jane" → "J***": enough for an agent who has the caller on the line, little for anyone else. */
export function maskName(name: string | undefined): string {
  const trimmed = name?.trim() ?? "";
  if (trimmed === "") return "";
  return `${trimmed[0]}${"*".repeat(Math.max(2, Math.min(trimmed.length - 1, 6)))}`;
}

function candidate({ lead }: KnownLead): CallerCandidate {
  const name = [maskName(lead.firstName), maskName(lead.lastName)].filter((n) => n !== "").join(" ");
  return { leadKey: lead.key, name, modifiedAt: lead.modifiedAt };
}

/**
 * The one lead an inbound call is logged to, after an explicit lead key was not given: the lead
 * most recently leased for the number (within the window), else the single known lead carrying it,
 * else the policy: `ask` returns the candidates, `newest` the most recently modified record. Pure.
 */
export function attributeCall(input: AttributionInput): Attribution {
  if (input.recentLease) return { ok: true, lead: input.recentLease, by: "recent-lease" };
  const byKey = new Map(input.matches.map((m) => [m.lead.key, m]));
  const matches = [...byKey.values()].sort((a, b) => a.lead.key.localeCompare(b.lead.key));
  const [only] = matches;
  if (!only) return { ok: false, problem: "unknown_caller" };
  if (matches.length === 1) return { ok: true, lead: only, by: "single-match" };
  if (input.policy !== "newest")
    return { ok: false, problem: "ambiguous_caller", candidates: matches.map(candidate) };
  // Newest modification wins; equal times fall back to the lead key order, so the choice is stable.
  const newest = matches.reduce((best, m) =>
    Date.parse(m.lead.modifiedAt) > Date.parse(best.lead.modifiedAt) ? m : best,
  );
  return { ok: true, lead: newest, by: "newest" };
}
