import { CrmError } from "../../src/errors.js";
import type { PullPage } from "../types.js";
import { chunks } from "./chunks.js";
import type { SalesforceSelect } from "./config.js";
import { type ObjectCursor, objectCursorSchema, selectFingerprint } from "./cursor.js";
import { deletedSince } from "./deleted.js";
import { salesforceLimits } from "./limits.js";
import {
  lookBack,
  type PullContext,
  positionOf,
  RecentRecords,
  removalPageSize,
  sourceError,
} from "./pull-shared.js";
import { cursorRowSchema, flattenRecord, queryPages } from "./query-pages.js";
import { leaverQuery, objectPageQuery, toIso } from "./soql.js";

type ObjectSelect = Extract<SalesforceSelect, { object: string }>;

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

  // A transaction that commits late carries an earlier SystemModstamp than records already read:
  // start `lookbackMs` before the cursor, and skip what was handed out with the same stamp.
  const recent = new RecentRecords(cursor.recent, ctx.lookbackMs);
  const from = cursor.records ? lookBack(cursor.records, ctx.lookbackMs) : undefined;
  const soql = objectPageQuery({ object, fields, where: select.where, after: from });
  try {
    let expectedRecords: number | undefined;
    for await (const rows of queryPages(ctx.session, soql, (total) => {
      expectedRecords = total;
    })) {
      const parsed = rows.map((row) => cursorRowSchema.parse(row));
      const last = parsed.at(-1);
      if (!last) continue;
      const fresh = parsed.filter((row) => !recent.seen(row.Id, toIso(row.SystemModstamp)));
      cursor = { ...cursor, records: positionOf(last), recent: recent.save() };
      const records = fresh.map((row) => ({
        objectType: object,
        id: row.Id,
        modifiedAt: toIso(row.SystemModstamp),
        fields: flattenRecord(row),
        sourceRef: row.Id,
      }));
      yield {
        records,
        removedRefs: [],
        cursor,
        ...(expectedRecords === undefined ? {} : { expectedRecords }),
      };
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

  const where = select.where?.trim();
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
