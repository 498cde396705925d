import { SalesforceApiError } from "./errors.js";
import { IdGenerator } from "./ids.js";
import type { JsonObject, QuerySnapshot } from "./soql-eval.js";

/** One page of a query as the REST API returns it. */
export interface QueryPage {
  totalSize: number;
  done: boolean;
  records: JsonObject[];
  nextRecordsUrl?: string;
}

interface Cursor {
  readonly snapshot: QuerySnapshot;
  readonly batchSize: number;
  lastUsed: number;
}

export interface CursorOptions {
  /** Open cursors kept; opening one more releases the least recently used, as Salesforce does. */
  maxOpen: number;
  /** A cursor unused this long expires (Salesforce: 15 minutes of inactivity). */
  ttlMs: number;
}

export const MIN_BATCH = 200;
export const MAX_BATCH = 2000;

/** `Sforce-Query-Options: batchSize=N`, clamped to Salesforce's 200..2000 (default 2000). */
export function batchSizeFrom(header: string | undefined): number | undefined {
  const m = header ? /batchSize\s*=\s*(\d+)/i.exec(header) : null;
  if (!m) return undefined;
  return Math.min(MAX_BATCH, Math.max(MIN_BATCH, Number(m[1])));
}

function invalidLocator(): SalesforceApiError {
  return new SalesforceApiError(400, "INVALID_QUERY_LOCATOR", "invalid query locator");
}

/** Query snapshots addressed by `<locator>-<offset>`, so paging sees the result set of query time. */
export class CursorStore {
  private readonly cursors = new Map<string, Cursor>();
  private readonly ids = new IdGenerator();

  constructor(
    private readonly options: CursorOptions,
    private readonly now: () => number,
  ) {}

  /** The first page; opens a cursor only when more pages follow. */
  open(snapshot: QuerySnapshot, batchSize: number | undefined, version: string): QueryPage {
    const size = batchSize ?? MAX_BATCH;
    if (snapshot.length <= size) {
      return { totalSize: snapshot.totalSize, done: true, records: snapshot.render(0, size, version) };
    }
    this.expire();
    while (this.cursors.size >= this.options.maxOpen) {
      const oldest = [...this.cursors.entries()].sort((a, b) => a[1].lastUsed - b[1].lastUsed)[0];
      if (!oldest) break;
      this.cursors.delete(oldest[0]);
    }
    const locator = this.ids.next("01g");
    this.cursors.set(locator, { snapshot, batchSize: size, lastUsed: this.now() });
    return this.page(locator, 0, size, version);
  }

  /** The page at `<locator>-<offset>`; a header batch size overrides the one the query was opened with. */
  more(locatorAndOffset: string, batchSize: number | undefined, version: string): QueryPage {
    const dash = locatorAndOffset.lastIndexOf("-");
    const locator = dash > 0 ? locatorAndOffset.slice(0, dash) : locatorAndOffset;
    const offset = dash > 0 ? Number(locatorAndOffset.slice(dash + 1)) : 0;
    this.expire();
    const cursor = this.cursors.get(locator);
    if (!cursor || !Number.isInteger(offset) || offset < 0 || offset > cursor.snapshot.length) {
      throw invalidLocator();
    }
    cursor.lastUsed = this.now();
    return this.page(locator, offset, batchSize ?? cursor.batchSize, version);
  }

  get openCount(): number {
    return this.cursors.size;
  }

  clear(): void {
    this.cursors.clear();
  }

  private page(locator: string, offset: number, size: number, version: string): QueryPage {
    const cursor = this.cursors.get(locator)!;
    const { snapshot } = cursor;
    const end = Math.min(offset + size, snapshot.length);
    const records = snapshot.render(offset, end, version);
    // The cursor outlives its last page so a client retrying that GET still gets an answer.
    if (end >= snapshot.length) return { totalSize: snapshot.totalSize, done: true, records };
    return {
      totalSize: snapshot.totalSize,
      done: false,
      records,
      nextRecordsUrl: `/services/data/${version}/query/${locator}-${end}`,
    };
  }

  private expire(): void {
    const cutoff = this.now() - this.options.ttlMs;
    for (const [locator, cursor] of this.cursors) if (cursor.lastUsed < cutoff) this.cursors.delete(locator);
  }
}
