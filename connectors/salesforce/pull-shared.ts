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
