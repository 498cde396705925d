import { ConsentError } from "../consent/consent-error.js";
import type { LeadDirectory } from "../consent/lead-directory.js";
import { isAdmin, mayUseCampaign, type Principal } from "./auth.js";

/**
 * Who may change consent through the API. Opting out only restricts, so a dialer key may do it for
 * any number and for the leads of its campaigns; opting in lifts a restriction, so it is admin-only
 * (with evidence, checked by `ConsentService`), and only an admin key may speak for the CRM
 * (`source: crm`). Throws `ConsentError`; nothing has been written when it does.
 */
export async function authorizeConsent(
  principal: Principal,
  body: { status: "opted_out" | "opted_in"; source: string; leadKey?: string | undefined },
  leads: LeadDirectory,
): Promise<void> {
  if (isAdmin(principal)) return;
  if (body.status === "opted_in") {
    throw new ConsentError(
      403,
      "forbidden_scope",
      `key "${principal.keyName}" may not opt in: admin scope needed`,
    );
  }
  if (body.source === "crm") {
    throw new ConsentError(
      403,
      "source_not_allowed",
      `key "${principal.keyName}" may not claim source "crm"`,
    );
  }
  if (body.leadKey === undefined) return;
  const known = await leads.find(body.leadKey);
  if (!known)
    throw new ConsentError(404, "unknown_lead", `no queued lead or source member "${body.leadKey}"`);
  if (!known.campaigns.some((campaign) => mayUseCampaign(principal, campaign))) {
    throw new ConsentError(
      403,
      "campaign_not_allowed",
      `lead "${body.leadKey}" is in none of the campaigns of key "${principal.keyName}"`,
    );
  }
}
