import type { IdGenerator } from "./ids.js";
import { toId18 } from "./ids.js";
import { createRng, pick } from "./rng.js";
import type { SfRecord, SfValue } from "./schema.js";
import {
  AREAS,
  type Area,
  COMPANY_KINDS,
  COMPANY_SUFFIXES,
  COMPANY_WORDS,
  FIRST_NAMES,
  LAST_NAMES,
  LEAD_SOURCES,
  PHONE_FORMATS,
  STREETS,
  TITLES,
  UNPARSEABLE_PHONES,
} from "./seed-data.js";
import type { SalesforceStore } from "./store.js";

export interface SeedLeadsOptions {
  /** A Campaign id (`701…`) or name: created when missing, and every lead becomes a member of it. */
  campaignId?: string | undefined;
  /** CampaignMember Status of the new members (default `Sent`). */
  memberStatus?: string | undefined;
  /** CreatedDate, LastModifiedDate and SystemModstamp of every new record (default: the sandbox clock). */
  modstamp?: Date | undefined;
  /** Lead Status (default `Open - Not Contacted`). */
  status?: string | undefined;
  /** Start a fresh generator from this seed; otherwise the sandbox's generator continues. */
  seed?: number | undefined;
  /** Share of leads without a Phone (default 0). */
  missingPhoneRate?: number | undefined;
  /** Share of leads whose Phone cannot be parsed as a number (default 0). */
  invalidPhoneRate?: number | undefined;
  /** Share of leads with DoNotCall = true (default 0). */
  doNotCallRate?: number | undefined;
}

export interface SeedContext {
  readonly store: SalesforceStore;
  readonly ids: IdGenerator;
  readonly now: () => number;
  readonly userId: string;
}

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, "");

/** Deterministic, realistic US leads. Phones use the 555 exchange with a per-area counter, so they stay unique. */
export class LeadGenerator {
  private readonly rng: () => number;
  private readonly lines = new Map<string, number>();

  constructor(seed: number) {
    this.rng = createRng(seed);
  }

  private phone(area: Area): string {
    const n = this.lines.get(area.code) ?? 0;
    this.lines.set(area.code, n + 1);
    const line = String((n * 7919 + 100) % 10_000).padStart(4, "0");
    return pick(this.rng, PHONE_FORMATS).replace("{a}", area.code).replace("{e}", "555").replace("{l}", line);
  }

  fields(options: SeedLeadsOptions): Record<string, SfValue> {
    const rng = this.rng;
    const area = pick(rng, AREAS);
    const first = pick(rng, FIRST_NAMES);
    const last = pick(rng, LAST_NAMES);
    const company = `${pick(rng, COMPANY_WORDS)} ${pick(rng, COMPANY_KINDS)} ${pick(rng, COMPANY_SUFFIXES)}`;
    const roll = rng();
    const missing = options.missingPhoneRate ?? 0;
    const invalid = options.invalidPhoneRate ?? 0;
    const phone =
      roll < missing ? null : roll < missing + invalid ? pick(rng, UNPARSEABLE_PHONES) : this.phone(area);
    return {
      FirstName: first,
      LastName: last,
      Company: company,
      Title: pick(rng, TITLES),
      Email: `${slug(first)}.${slug(last)}@${slug(company)}.example.com`,
      Phone: phone,
      MobilePhone: rng() < 0.25 ? this.phone(area) : null,
      Street: `${1 + Math.floor(rng() * 9899)} ${pick(rng, STREETS)}`,
      City: area.city,
      State: area.state,
      PostalCode: `${area.zip}${String(Math.floor(rng() * 100)).padStart(2, "0")}`,
      Country: "US",
      LeadSource: pick(rng, LEAD_SOURCES),
      DoNotCall: rng() < (options.doNotCallRate ?? 0),
    };
  }
}

function audit(ctx: SeedContext, at: number): Record<string, SfValue> {
  return {
    IsDeleted: false,
    CreatedDate: at,
    CreatedById: ctx.userId,
    LastModifiedDate: at,
    LastModifiedById: ctx.userId,
    SystemModstamp: at,
  };
}

/** The id of the campaign named or identified by `idOrName`, creating it when missing. */
export function ensureCampaign(ctx: SeedContext, idOrName: string, at: number): string {
  const asId = toId18(idOrName);
  const campaignId = asId?.startsWith("701") ? asId : undefined;
  const byId = campaignId ? ctx.store.get(campaignId, "Campaign") : undefined;
  if (byId) return String(byId.Id);
  const byName = ctx.store.rows("Campaign").find((c) => !c.IsDeleted && c.Name === idOrName);
  if (byName) return String(byName.Id);
  const id = campaignId ?? ctx.ids.next("701");
  ctx.store.insert("Campaign", {
    Id: id,
    Name: campaignId ? `Campaign ${id.slice(0, 15)}` : idOrName,
    IsActive: true,
    Status: "In Progress",
    Type: "Telemarketing",
    OwnerId: ctx.userId,
    ...audit(ctx, at),
  });
  return id;
}

/** Inserts a CampaignMember without validation; callers have checked the lead and campaign. */
export function insertMember(
  ctx: SeedContext,
  campaignId: string,
  personId: string,
  status: string,
  at: number,
): string {
  const id = ctx.ids.next("00v");
  const isLead = personId.startsWith("00Q");
  const member: SfRecord = {
    Id: id,
    CampaignId: campaignId,
    LeadId: isLead ? personId : null,
    ContactId: isLead ? null : personId,
    LeadOrContactId: personId,
    Status: status,
    HasResponded: status === "Responded",
    ...audit(ctx, at),
  };
  ctx.store.insert("CampaignMember", member);
  return id;
}

/** Bulk insert that skips per-record validation: 100,000 leads must seed in well under a second or two. */
export function seedLeads(
  ctx: SeedContext,
  generator: LeadGenerator,
  count: number,
  options: SeedLeadsOptions = {},
): string[] {
  const at = options.modstamp?.getTime() ?? ctx.now();
  const campaignId = options.campaignId ? ensureCampaign(ctx, options.campaignId, at) : undefined;
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const fields = generator.fields(options);
    const id = ctx.ids.next("00Q");
    ctx.store.insert("Lead", {
      Id: id,
      ...fields,
      Name: `${String(fields.FirstName)} ${String(fields.LastName)}`,
      Status: options.status ?? "Open - Not Contacted",
      OwnerId: ctx.userId,
      IsConverted: false,
      HasOptedOutOfEmail: false,
      Description: null,
      LastActivityDate: null,
      ...audit(ctx, at),
    });
    if (campaignId) insertMember(ctx, campaignId, id, options.memberStatus ?? "Sent", at);
    ids.push(id);
  }
  return ids;
}
