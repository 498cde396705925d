import { invalidType } from "./errors.js";
import { type ObjectDef, objectDef, objectOfId, type SfRecord } from "./schema.js";

export interface DeletedEntry {
  readonly id: string;
  readonly deletedDate: number;
}

interface Table {
  readonly def: ObjectDef;
  /** Every record including soft-deleted ones, in insertion (= id) order. */
  readonly rows: SfRecord[];
  readonly position: Map<string, number>;
  readonly deleted: DeletedEntry[];
  /** Bumped by every insert, replace and undo: derived indexes (the SOSL phone index) rebuild on change. */
  generation: number;
}

type Undo = () => void;

/**
 * The in-memory org: one table per object, records indexed by id. Records are immutable objects that a
 * write replaces, so a query snapshot can keep references without copying.
 */
export class SalesforceStore {
  private readonly tables = new Map<string, Table>();
  /** CampaignId / LeadOrContactId → CampaignMember ids, so membership checks and cascades are O(1). */
  private readonly membersByParent = new Map<string, Set<string>>();
  private journal: Undo[] | undefined;
  /** Committed writes for the change event bus; held back until the outermost `atomically` commits. */
  private committed: Array<() => void> | undefined;
  /** Told of every committed insert/replace (`previous` undefined for an insert). */
  observer: ((type: string, previous: SfRecord | undefined, next: SfRecord) => void) | undefined;

  table(type: string): Table {
    const def = objectDef(type);
    if (!def) throw invalidType(type);
    let table = this.tables.get(def.name);
    if (!table) {
      table = { def, rows: [], position: new Map(), deleted: [], generation: 0 };
      this.tables.set(def.name, table);
    }
    return table;
  }

  rows(type: string): readonly SfRecord[] {
    return this.table(type).rows;
  }

  /** Changes whenever a record of the object is inserted, replaced or rolled back. */
  generation(type: string): number {
    return this.table(type).generation;
  }

  /** A record by id, soft-deleted or not; `type` may be omitted to infer it from the key prefix. */
  get(id: string, type?: string): SfRecord | undefined {
    const def = type ? objectDef(type) : objectOfId(id);
    if (!def) return undefined;
    const table = this.tables.get(def.name);
    const at = table?.position.get(id);
    return at === undefined ? undefined : table?.rows[at];
  }

  membersOf(parentId: string): readonly string[] {
    return [...(this.membersByParent.get(parentId) ?? [])];
  }

  insert(type: string, record: SfRecord): void {
    const table = this.table(type);
    const id = String(record.Id);
    table.position.set(id, table.rows.length);
    table.rows.push(record);
    table.generation++;
    this.indexMember(table.def, record, true);
    this.notify(table.def.name, undefined, record);
    this.journal?.push(() => {
      table.generation++;
      table.rows.pop();
      table.position.delete(id);
      this.indexMember(table.def, record, false);
    });
  }

  replace(type: string, record: SfRecord): void {
    const table = this.table(type);
    const at = table.position.get(String(record.Id));
    if (at === undefined) throw new Error(`replace of unknown ${type} ${String(record.Id)}`);
    const previous = table.rows[at]!;
    table.rows[at] = record;
    table.generation++;
    this.notify(table.def.name, previous, record);
    this.journal?.push(() => {
      table.generation++;
      table.rows[at] = previous;
    });
  }

  logDeletion(type: string, entry: DeletedEntry): void {
    const deleted = this.table(type).deleted;
    deleted.push(entry);
    this.journal?.push(() => {
      deleted.pop();
    });
  }

  deletedLog(type: string): readonly DeletedEntry[] {
    return this.table(type).deleted;
  }

  /** Runs `fn`; when it returns false every change it made is undone (allOrNone). */
  atomically(fn: () => boolean): boolean {
    const outer = this.journal;
    const outerCommitted = this.committed;
    const journal: Undo[] = [];
    const committed: Array<() => void> = [];
    this.journal = journal;
    this.committed = committed;
    let ok = false;
    try {
      ok = fn();
    } finally {
      this.journal = outer;
      this.committed = outerCommitted;
      if (!ok) for (let i = journal.length - 1; i >= 0; i--) journal[i]!();
      else outer?.push(...journal);
      // A rolled-back write was never visible, so it publishes no change event.
      if (ok && outerCommitted) outerCommitted.push(...committed);
      else if (ok) for (const publish of committed) publish();
    }
    return ok;
  }

  private notify(type: string, previous: SfRecord | undefined, next: SfRecord): void {
    const observer = this.observer;
    if (!observer) return;
    if (this.committed) this.committed.push(() => observer(type, previous, next));
    else observer(type, previous, next);
  }

  private indexMember(def: ObjectDef, record: SfRecord, add: boolean): void {
    if (def.name !== "CampaignMember") return;
    const id = String(record.Id);
    for (const parent of [record.CampaignId, record.LeadOrContactId]) {
      if (typeof parent !== "string") continue;
      let set = this.membersByParent.get(parent);
      if (!set) {
        set = new Set();
        this.membersByParent.set(parent, set);
      }
      if (add) set.add(id);
      else set.delete(id);
    }
  }
}
