import { CrmError } from "../../src/errors.js";
import type { CrmRecord, PullPage } from "../types.js";
import { chunks } from "./chunks.js";
import type { SalesforceSelect } from "./config.js";
import { type ObjectCursor, objectCursorSchema, selectFingerprint } from "./cursor.js";
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
import { cursorRowSchema, flattenRecord, queryPages } from "./query-pages.js";
import { leaverQuery, objectPageQuery, type Position, toIso } from "./soql.js";

type ObjectSelect = Extract<SalesforceSelect, { object: string }>;

/** `cursorRowSchema` keeping only its own fields (the loose schema copies every field of a row). */
const cursorFields = cursorRowSchema.strip();

function startCursor(select: ObjectSelect, checkFrom: string): ObjectCursor {
  return {
    v: 1,
    kind: "object",
    select: selectFingerprint(select),
    object: select.object,
    records: null,
    deletedSince: checkFrom,
    leaversSince: checkFrom,
  };
}

function resumeCursor(ctx: PullContext, select: ObjectSelect, raw: unknown, checkFrom: string): ObjectCursor {
  if (raw === undefined) return startCursor(select, checkFrom);
  const parsed = objectCursorSchema.safeParse(raw);
  if (!parsed.success || parsed.data.object !== select.object) {
    throw new CrmError({
      kind: "permanent",
      reason: `source "${ctx.sourceId}": its checkpoint is not a ${select.object} cursor (the source was redefined?); run a full sync`,
    });
  }
  const cursor = parsed.data;
  if (cursor.select === selectFingerprint(select)) return cursor;
  // `where` changed: read every record again, and check every record against the new condition.
  ctx.log.warn(
    { source: ctx.sourceId },
    `source "${ctx.sourceId}": its where changed; re-reading ${select.object}`,
  );
  return { ...startCursor(select, checkFrom), deletedSince: cursor.deletedSince, leaversSince: null };
}

/** Fields a mapping reads that the object does not have (a relationship path needs its relationship). */
export function unknownFields(catalog: FieldCatalog, fields: readonly string[]): string[] {
  return fields.filter((name) => {
    const [head, tail] = name.toLowerCase().split(".");
    return tail === undefined ? !catalog.fields.has(head!) : !catalog.relationships.has(head!);
  });
}

/**
 * The condition that picks business or person accounts (IsPersonAccount, present only in orgs with
 * person accounts); undefined for other objects and for business accounts of orgs without them.
 */
export function accountKindCondition(
  ctx: Pick<PullContext, "sourceId">,
  select: ObjectSelect,
  catalog: FieldCatalog,
): string | undefined {
  if (select.object !== "Account") return undefined;
  const personAccountsEnabled = catalog.fields.has("ispersonaccount");
  if (select.accounts === "person") {
    if (!personAccountsEnabled) {
      throw new CrmError({
        kind: "permanent",
        reason: `source "${ctx.sourceId}": this org has no person accounts (Account.IsPersonAccount is missing); enable Person Accounts or select accounts: business`,
      });
    }
    return "IsPersonAccount = true";
  }
  return personAccountsEnabled ? "IsPersonAccount = false" : undefined;
}

/**
 * The object and fields, allow-listed against describe before any SOQL is built: an object the org
 * does not have, or a field it lacks, fails the pull for good, naming them. Returns the conditions
 * every query of the source carries (the admin's `where`, the account kind).
 */
async function allowListed(
  ctx: PullContext,
  select: ObjectSelect,
  fields: readonly string[],
): Promise<string | undefined> {
  let catalog: FieldCatalog;
  try {
    catalog = await ctx.fieldNames(select.object);
  } catch (error) {
    throw sourceError(
      ctx.sourceId,
      `describe of ${select.object} (does the object exist, and may this user read it?)`,
      error,
    );
  }
  const unknown = unknownFields(catalog, fields);
  if (unknown.length > 0) {
    throw new CrmError({
      kind: "permanent",
      reason: `source "${ctx.sourceId}": ${select.object} has no field ${unknown.join(", ")} (check the mapping, or the user's field-level security)`,
    });
  }
  const kind = accountKindCondition(ctx, select, catalog);
  const where = select.where?.trim();
  // The queries parenthesise the whole condition; the admin's part gets its own only beside another.
  if (!kind) return where || undefined;
  return where ? `${kind} AND (${where})` : kind;
}

/**
 * One query page as records (those not handed out already with the same stamp), and the position
 * after its last row; undefined for an empty page, "done" after the last.
 */
function pageRecords(
  object: string,
  recent: RecentRecords,
  next: IteratorResult<Record<string, unknown>[]>,
): { records: CrmRecord[]; position: Position } | undefined | "done" {
  if (next.done) return "done";
  const rows = next.value;
  // The cursor fields checked (and only they copied); the row itself is flattened as it came.
  const parsed = rows.map((row) => cursorFields.parse(row));
  const last = parsed.at(-1);
  if (!last) return undefined;
  const records: CrmRecord[] = [];
  parsed.forEach((row, i) => {
    // Converted once per row (it was twice: the regex and the Date round trip show in a sync's profile).
    const modifiedAt = toIso(row.SystemModstamp);
    if (recent.seen(row.Id, modifiedAt)) return;
    const fields = flattenRecord(rows[i] as Record<string, unknown>);
    records.push({ objectType: object, id: row.Id, modifiedAt, fields, sourceRef: row.Id });
  });
  return { records, position: positionOf(last) };
}

/**
 * Pull an object source: records changed since the cursor (one page per Salesforce page), then ids
 * deleted since the last check, then ids changed since the last check that no longer match `where`.
 * Every page's cursor resumes right after it; removals are idempotent, so a repeat is harmless.
 */
export async function* pullObject(
  ctx: PullContext,
  select: ObjectSelect,
  fields: readonly string[],
  rawCursor: unknown,
): AsyncGenerator<PullPage, void, undefined> {
  const startedAt = ctx.now();
  const checkFrom = new Date(startedAt - salesforceLimits.clockSkewMs).toISOString();
  let cursor = resumeCursor(ctx, select, rawCursor, checkFrom);
  const { object } = select;
  const condition = await allowListed(ctx, select, fields);

  // A transaction that commits late carries an earlier SystemModstamp than records already read:
  // start `lookbackMs` before the cursor, and skip what was handed out with the same stamp.
  const recent = new RecentRecords(cursor.recent, ctx.lookbackMs);
  const from = cursor.records ? lookBack(cursor.records, ctx.lookbackMs) : undefined;
  const soql = objectPageQuery({ object, fields, where: condition, after: from });
  try {
    let expectedRecords: number | undefined;
    const pages = queryPages(ctx.session, soql, (total) => {
      expectedRecords = total;
    });
    try {
      for (;;) {
        // The page's rows and their parsed copies live in `pageRecords` only: this frame keeps the
        // records it yields, not three copies of the page while the sync applies it.
        const page = pageRecords(object, recent, await pages.next());
        if (page === "done") break;
        if (!page) continue;
        cursor = { ...cursor, records: page.position, recent: recent.save() };
        yield {
          records: page.records,
          removedRefs: [],
          cursor,
          ...(expectedRecords === undefined ? {} : { expectedRecords }),
        };
      }
    } finally {
      // As `for await` would: a consumer that stops early closes the query too.
      await pages.return(undefined);
    }
  } catch (error) {
    throw sourceError(
      ctx.sourceId,
      `the query on ${object} (where: ${select.where ?? "none"}; fields: ${fields.join(", ")})`,
      error,
    );
  }

  const deleted = await deletedSince(
    ctx.session,
    ctx.log,
    { sourceId: ctx.sourceId, object },
    cursor.deletedSince,
    startedAt,
  );
  const deletedPages = chunks(deleted.ids, removalPageSize);
  for (const [i, ids] of deletedPages.entries()) {
    const done = i === deletedPages.length - 1;
    yield {
      records: [],
      removedRefs: ids,
      cursor: done ? { ...cursor, deletedSince: deleted.coveredUntil } : cursor,
    };
  }
  cursor = { ...cursor, deletedSince: deleted.coveredUntil };

  const where = condition;
  if (where) {
    try {
      for await (const rows of queryPages(
        ctx.session,
        leaverQuery({ object, where, since: cursor.leaversSince }),
      )) {
        const ids = rows.map((row) => cursorRowSchema.pick({ Id: true }).parse(row).Id);
        if (ids.length > 0) yield { records: [], removedRefs: ids, cursor };
      }
    } catch (error) {
      throw sourceError(ctx.sourceId, `the leaver query on ${object} (where: ${where})`, error);
    }
  }
  yield { records: [], removedRefs: [], cursor: { ...cursor, leaversSince: checkFrom } };
}
