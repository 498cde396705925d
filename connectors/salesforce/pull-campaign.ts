import { z } from "zod";
import { CrmError } from "../../src/errors.js";
import type { CrmRecord, PullPage } from "../types.js";
import { chunks } from "./chunks.js";
import type { SalesforceSelect } from "./config.js";
import { type CampaignCursor, campaignCursorSchema, selectFingerprint } from "./cursor.js";
import { deletedSince } from "./deleted.js";
import { salesforceLimits } from "./limits.js";
import {
  type FieldCatalog,
  lookBack,
  type PullContext,
  positionOf,
  RecentRecords,
  removalPageSize,
  sourceError,
} from "./pull-shared.js";
import { cursorRowSchema, flattenRecord, laterIso, queryAll, queryPages } from "./query-pages.js";
import {
  campaignMemberQuery,
  chunkForIn,
  memberRecordQuery,
  membersOfRecordsQuery,
  type Position,
  toIso,
} from "./soql.js";

type CampaignSelect = Extract<SalesforceSelect, { campaignId: string }>;

const memberRowSchema = z
  .object({
    Id: z.string(),
    Status: z.string().nullable().optional(),
    LeadId: z.string().nullable().optional(),
    ContactId: z.string().nullable().optional(),
    SystemModstamp: z.string(),
  })
  .loose();
type MemberRow = z.infer<typeof memberRowSchema>;

const relatedSchema = z.object({ SystemModstamp: z.string() }).loose();

/** The mapped fields that exist on an object: a campaign holds Leads and Contacts, whose fields differ. */
export function fieldsOn(catalog: FieldCatalog, fields: readonly string[]): string[] {
  return fields.filter((name) => {
    const [head, tail] = name.toLowerCase().split(".");
    return tail === undefined ? catalog.fields.has(head ?? "") : catalog.relationships.has(head ?? "");
  });
}

function startCursor(select: CampaignSelect, checkFrom: string): CampaignCursor {
  // A first pull reads every member with its record; later edits to the records are read from here on.
  const since: Position = { modstamp: checkFrom, id: "" };
  return {
    v: 1,
    kind: "campaign",
    select: selectFingerprint(select),
    campaignId: select.campaignId,
    members: null,
    leads: since,
    contacts: since,
    deletedSince: checkFrom,
  };
}

function resumeCursor(
  ctx: PullContext,
  select: CampaignSelect,
  raw: unknown,
  checkFrom: string,
): CampaignCursor {
  if (raw === undefined) return startCursor(select, checkFrom);
  const parsed = campaignCursorSchema.safeParse(raw);
  if (!parsed.success || parsed.data.campaignId !== select.campaignId) {
    throw new CrmError({
      kind: "permanent",
      reason: `source "${ctx.sourceId}": its checkpoint is not a cursor of campaign ${select.campaignId} (the source was redefined?); run a full sync`,
    });
  }
  if (parsed.data.select === selectFingerprint(select)) return parsed.data;
  // memberStatuses changed: re-read every member; those now filtered out come back as removals.
  ctx.log.warn(
    { source: ctx.sourceId },
    `source "${ctx.sourceId}": its memberStatuses changed; re-reading the campaign`,
  );
  return { ...startCursor(select, checkFrom), deletedSince: parsed.data.deletedSince };
}

/** A converted lead's member row has both ids; LeadOrContactId is then the Contact. */
function memberTarget(row: MemberRow): { objectType: "Lead" | "Contact"; id: string } | undefined {
  if (row.ContactId) return { objectType: "Contact", id: row.ContactId };
  if (row.LeadId) return { objectType: "Lead", id: row.LeadId };
  return undefined;
}

function wanted(select: CampaignSelect, status: string | null | undefined): boolean {
  return !select.memberStatuses || select.memberStatuses.includes(status ?? "");
}

function memberRecord(
  row: MemberRow,
  target: { objectType: string; id: string },
  related: Record<string, unknown>,
  relatedModstamp: string,
): CrmRecord {
  return {
    objectType: target.objectType,
    id: target.id,
    modifiedAt: laterIso(row.SystemModstamp, relatedModstamp),
    fields: flattenRecord(related),
    sourceRef: row.Id,
    membership: { id: row.Id, ...(row.Status ? { status: row.Status } : {}) },
  };
}

/**
 * Pull a campaign source in three streams, each with its own position in the cursor: member rows (new,
 * changed, status filtered out → removal), then edits to the members' Leads and Contacts (which do not
 * touch CampaignMember.SystemModstamp), then deleted members.
 */
export async function* pullCampaign(
  ctx: PullContext,
  select: CampaignSelect,
  fields: readonly string[],
  rawCursor: unknown,
): AsyncGenerator<PullPage, void, undefined> {
  const startedAt = ctx.now();
  const checkFrom = new Date(startedAt - salesforceLimits.clockSkewMs).toISOString();
  let cursor = resumeCursor(ctx, select, rawCursor, checkFrom);
  const { campaignId } = select;

  const leadFields = fieldsOn(await ctx.fieldNames("Lead"), fields);
  const contactFields = fieldsOn(await ctx.fieldNames("Contact"), fields);
  const unknown = fields.filter((f) => !leadFields.includes(f) && !contactFields.includes(f));
  if (unknown.length > 0) {
    throw new CrmError({
      kind: "permanent",
      reason: `source "${ctx.sourceId}": neither Lead nor Contact has the mapped field(s) ${unknown.join(", ")}`,
    });
  }

  // Each stream starts `lookbackMs` before its position (late commits carry earlier stamps) and
  // skips rows it handed out with the same stamp.
  const recent = {
    members: new RecentRecords(cursor.recent?.members, ctx.lookbackMs),
    leads: new RecentRecords(cursor.recent?.leads, ctx.lookbackMs),
    contacts: new RecentRecords(cursor.recent?.contacts, ctx.lookbackMs),
  };
  const remembered = () => ({
    members: recent.members.save(),
    leads: recent.leads.save(),
    contacts: recent.contacts.save(),
  });

  // 1. Member rows.
  const memberSoql = campaignMemberQuery({
    campaignId,
    leadFields,
    contactFields,
    after: cursor.members ? lookBack(cursor.members, ctx.lookbackMs) : undefined,
  });
  try {
    for await (const rows of queryPages(ctx.session, memberSoql)) {
      const records: CrmRecord[] = [];
      const removedRefs: string[] = [];
      for (const raw of rows) {
        const row = memberRowSchema.parse(raw);
        const stamp = cursorRowSchema.parse(raw);
        if (recent.members.seen(stamp.Id, toIso(stamp.SystemModstamp))) continue;
        const target = memberTarget(row);
        const related = target ? relatedSchema.safeParse(raw[target.objectType]) : undefined;
        // Out of the status filter, or a record the integration user cannot see: not callable from here.
        if (!target || !related?.success || !wanted(select, row.Status)) removedRefs.push(row.Id);
        else records.push(memberRecord(row, target, related.data, related.data.SystemModstamp));
      }
      const last = rows.at(-1);
      if (!last) continue;
      cursor = { ...cursor, members: positionOf(cursorRowSchema.parse(last)), recent: remembered() };
      yield { records, removedRefs, cursor };
    }
  } catch (error) {
    throw sourceError(
      ctx.sourceId,
      `the CampaignMember query of campaign ${campaignId} (fields: ${fields.join(", ")})`,
      error,
    );
  }

  // 2. Edits to the members' Leads, then Contacts.
  for (const object of ["Lead", "Contact"] as const) {
    const key = object === "Lead" ? "leads" : "contacts";
    const soql = memberRecordQuery({
      object,
      campaignId,
      fields: object === "Lead" ? leadFields : contactFields,
      statuses: select.memberStatuses,
      after: lookBack(cursor[key], ctx.lookbackMs),
    });
    try {
      for await (const rows of queryPages(ctx.session, soql)) {
        const all = rows.map((row) => cursorRowSchema.parse(row));
        const last = all.at(-1);
        if (!last) continue;
        const parsed = all.filter((row) => !recent[key].seen(row.Id, toIso(row.SystemModstamp)));
        const members = await membersOf(
          ctx,
          object,
          campaignId,
          parsed.map((r) => r.Id),
        );
        const records: CrmRecord[] = [];
        for (const row of parsed) {
          const member = members.get(row.Id);
          if (!member || !wanted(select, member.Status)) continue;
          const target = memberTarget(member);
          if (target?.objectType !== object) continue;
          records.push(memberRecord(member, target, row, row.SystemModstamp));
        }
        cursor = { ...cursor, [key]: positionOf(last), recent: remembered() };
        yield { records, removedRefs: [], cursor };
      }
    } catch (error) {
      throw sourceError(
        ctx.sourceId,
        `the ${object} query of campaign ${campaignId} (fields: ${fields.join(", ")})`,
        error,
      );
    }
  }

  // 3. Deleted members (org-wide list; refs the core does not know are ignored).
  const deleted = await deletedSince(
    ctx.session,
    ctx.log,
    { sourceId: ctx.sourceId, object: "CampaignMember" },
    cursor.deletedSince,
    startedAt,
  );
  const pages = chunks(deleted.ids, removalPageSize);
  for (const ids of pages.slice(0, -1)) yield { records: [], removedRefs: ids, cursor };
  yield {
    records: [],
    removedRefs: pages.at(-1) ?? [],
    cursor: { ...cursor, deletedSince: deleted.coveredUntil },
  };
}

/** The campaign's member row of each Lead/Contact id. */
async function membersOf(
  ctx: PullContext,
  object: "Lead" | "Contact",
  campaignId: string,
  ids: string[],
): Promise<Map<string, MemberRow>> {
  const byRecord = new Map<string, MemberRow>();
  for (const chunk of chunkForIn(ids)) {
    for (const raw of await queryAll(
      ctx.session,
      membersOfRecordsQuery({ object, campaignId, ids: chunk }),
    )) {
      const row = memberRowSchema.parse(raw);
      const id = object === "Lead" ? row.LeadId : row.ContactId;
      if (id) byRecord.set(id, row);
    }
  }
  return byRecord;
}
