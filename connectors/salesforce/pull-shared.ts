import { CrmError } from "../../src/errors.js";
import type { ConnectorLogger } from "../types.js";
import type { SalesforceSession } from "./auth.js";
import { classifyError } from "./classify-error.js";
import type { CursorRow } from "./query-pages.js";
import { type Position, toIso } from "./soql.js";

/** What a pull needs besides its request. */
export interface PullContext {
  session: SalesforceSession;
  log: ConnectorLogger;
  sourceId: string;
  now: () => number;
  /** Fields of an object as `describe` reports them (cached by the connector). */
  fieldNames: (object: string) => Promise<FieldCatalog>;
  /** How far before its cursor an incremental object pull starts again (`pullLookbackMs`). */
  lookbackMs: number;
}

/**
 * Where an incremental stream starts again: `lookbackMs` before its cursor (`id: ""` = every record
 * at or after that stamp), so a record committed late with an earlier SystemModstamp is read.
 */
export function lookBack(position: Position, lookbackMs: number): Position {
  // `id: ""` is a start point (everything since), not a place reached by reading: keep it.
  if (lookbackMs <= 0 || position.id === "") return position;
  return { modstamp: new Date(Date.parse(position.modstamp) - lookbackMs).toISOString(), id: "" };
}

/** Most records remembered for de-duplication in a cursor; older ones may come again (harmless). */
const maxRecent = 10_000;

/**
 * Records handed out inside the look-back window (id → SystemModstamp ISO): a record read again
 * with the same stamp is not handed out again. Keeps those within `lookbackMs` of the newest stamp.
 */
export class RecentRecords {
  private readonly byId: Map<string, string>;
  /** The newest stamp seen, in ms: kept as records are seen, not re-parsed from all of them per page. */
  private newest = 0;
  /** The stamp `newest` last took in (rows of one stamp come together). */
  private lastStamp: string | undefined;

  constructor(
    saved: Record<string, string[]> | undefined,
    private readonly lookbackMs: number,
  ) {
    this.byId = new Map();
    for (const [modstamp, ids] of Object.entries(saved ?? {})) {
      this.newest = Math.max(this.newest, Date.parse(modstamp) || 0);
      for (const id of ids) this.byId.set(id, modstamp);
    }
  }

  /** True when this id was handed out with this stamp already; notes it either way. */
  seen(id: string, modstamp: string): boolean {
    const known = this.byId.get(id) === modstamp;
    this.byId.delete(id);
    this.byId.set(id, modstamp);
    // Rows come in stamp order, many with the same stamp: parse a stamp only when it changes.
    if (modstamp !== this.lastStamp) {
      this.lastStamp = modstamp;
      this.newest = Math.max(this.newest, Date.parse(modstamp) || 0);
    }
    return known;
  }

  /** For the cursor: ids grouped by stamp, pruned to the window and to `maxRecent`. */
  save(): Record<string, string[]> {
    const oldestKept = this.newest - this.lookbackMs;
    // Each distinct stamp is parsed once per save, not once per id.
    const inWindow = new Map<string, boolean>();
    for (const [id, modstamp] of this.byId) {
      let keep = inWindow.get(modstamp);
      if (keep === undefined) {
        keep = Date.parse(modstamp) >= oldestKept;
        inWindow.set(modstamp, keep);
      }
      if (!keep) this.byId.delete(id);
    }
    // Oldest first, in one pass: a fresh `keys().next()` per deletion walks past every entry deleted
    // before it (quadratic: ~2,000 deletions a page, a tenth of a 50k sync's CPU in the profile).
    let excess = this.byId.size - maxRecent;
    for (const id of this.byId.keys()) {
      if (excess-- <= 0) break;
      this.byId.delete(id);
    }
    const grouped: Record<string, string[]> = {};
    for (const [id, modstamp] of this.byId) {
      const ids = grouped[modstamp];
      if (ids) ids.push(id);
      else grouped[modstamp] = [id];
    }
    return grouped;
  }
}

/** Field names and relationship names of an object, lower-cased, for "does this field exist here". */
export interface FieldCatalog {
  fields: Set<string>;
  relationships: Set<string>;
}

/** Removal ids per page, so a huge deletion list does not make one huge page. */
export const removalPageSize = 2000;

export function positionOf(row: CursorRow): Position {
  return { modstamp: toIso(row.SystemModstamp), id: row.Id };
}

/**
 * A permanent failure of a pull names the source and what was asked (an admin `where` or a mapped field
 * the CRM rejects); anything else is re-thrown as is for the caller to classify.
 */
export function sourceError(sourceId: string, what: string, error: unknown): unknown {
  const classified = classifyError(error);
  if (classified.kind !== "permanent" || error instanceof CrmError) return error;
  return new CrmError(
    { ...classified, reason: `source "${sourceId}": Salesforce rejected ${what}: ${classified.reason}` },
    { cause: error },
  );
}
