import {
  defaultDispositions,
  type ObjectType,
  type PropertyDefinition,
  resolveObjectType,
} from "./properties.js";

/** One CRM record in memory. Property values are strings, as on the wire. */
export interface StoredObject {
  id: string;
  /** `id` as a number, for `hs_object_id` filters and sorts. */
  num: number;
  type: ObjectType;
  properties: Record<string, string>;
  createdAt: number;
  /** `lastmodifieddate` / `hs_lastmodifieddate`, epoch ms. */
  updatedAt: number;
  archivedAt?: number;
  /** Set on a contact merged away: the surviving contact. */
  mergedInto?: string;
  /**
   * Order among records that tie on the search sort key. A search index does not order ties by
   * id, and neither does the sandbox, so a client that assumes it finds out here.
   */
  order: number;
  /** Associated contact (calls, notes, meetings), with the association type id used. */
  contact?: { id: string; typeId: number };
  /** The record an engagement is associated with (any object), with the association type id used. */
  associated?: { objectType: ObjectType; id: string; typeId: number };
  objectWriteTraceId?: string;
  /**
   * What the search index holds of this record, oldest first, while the index lags writes: each
   * version becomes searchable at `visibleAt` (sandbox clock). Absent = indexed as it is now.
   */
  indexed?: IndexedVersion[];
}

/** A record as the search index saw it at one write. */
export interface IndexedVersion {
  visibleAt: number;
  properties: Record<string, string>;
  updatedAt: number;
}

/** Deterministic pseudo-random numbers (mulberry32), so test runs repeat. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const firstIds: Record<ObjectType, number> = {
  contacts: 1001,
  companies: 3_000_001,
  donors: 7_000_001,
  calls: 50_000_001,
  notes: 70_000_001,
  meetings: 90_000_001,
};

/** The sandbox's data: objects by type, lists, dispositions and property definitions. */
export class HubspotStore {
  readonly objects: Record<ObjectType, Map<string, StoredObject>>;
  /** listId → recordId → membership timestamp (ms). */
  readonly lists = new Map<string, Map<string, number>>();
  readonly dispositions = [...defaultDispositions];
  private readonly nextId: Record<ObjectType, number> = { ...firstIds };
  private readonly rand: () => number;
  /**
   * How long a write takes to reach the search index (sandbox clock). HubSpot's search index lags
   * writes: a record created or changed just before a search may be missing from it, or found with
   * its old values, for a short while (https://developers.hubspot.com/docs/api/crm/search, Limitations).
   */
  indexDelayMs = 0;

  constructor(
    private readonly clock: () => number,
    readonly properties: Record<ObjectType, PropertyDefinition[]>,
    seed = 42,
    private readonly hubId = 62515,
  ) {
    this.objects = {
      contacts: new Map(),
      companies: new Map(),
      donors: new Map(),
      calls: new Map(),
      notes: new Map(),
      meetings: new Map(),
    };
    this.rand = random(seed);
  }

  property(type: ObjectType, name: string): PropertyDefinition | undefined {
    return this.properties[type].find((p) => p.name === name);
  }

  create(
    type: ObjectType,
    properties: Record<string, string>,
    options: { modifiedAt?: number; objectWriteTraceId?: string } = {},
  ): StoredObject {
    const now = this.clock();
    const num = this.nextId[type]++;
    const object: StoredObject = {
      id: String(num),
      num,
      type,
      properties: { ...properties },
      createdAt: now,
      updatedAt: options.modifiedAt ?? now,
      order: this.rand(),
    };
    if (options.objectWriteTraceId !== undefined) object.objectWriteTraceId = options.objectWriteTraceId;
    object.properties.hs_object_id = object.id;
    object.properties.createdate = new Date(now).toISOString();
    this.stamp(object, object.updatedAt);
    this.index(object);
    this.objects[type].set(object.id, object);
    return object;
  }

  private stamp(object: StoredObject, at: number): void {
    object.updatedAt = at;
    const iso = new Date(at).toISOString();
    object.properties.hs_lastmodifieddate = iso;
    if (object.type === "contacts") object.properties.lastmodifieddate = iso;
  }

  /** A live record by id; a merged-away contact id resolves to its survivor, as HubSpot does. */
  live(type: ObjectType, id: string): StoredObject | undefined {
    let object = this.objects[type].get(id);
    for (let hops = 0; object?.mergedInto !== undefined && hops < 100; hops++) {
      object = this.objects[type].get(object.mergedInto);
    }
    return object && object.archivedAt === undefined ? object : undefined;
  }

  /** Live records in id order (merged-away and archived ones left out). */
  listLive(type: ObjectType): StoredObject[] {
    return [...this.objects[type].values()].filter(
      (o) => o.archivedAt === undefined && o.mergedInto === undefined,
    );
  }

  listArchived(type: ObjectType): StoredObject[] {
    return [...this.objects[type].values()].filter(
      (o) => o.archivedAt !== undefined && o.mergedInto === undefined,
    );
  }

  /** Set properties (`""` clears one) and bump the modified date. */
  update(object: StoredObject, properties: Record<string, string>, at = this.clock()): void {
    if (this.indexDelayMs > 0 && object.indexed === undefined) {
      // Indexed before the index began to lag: its current state is what searches see until then.
      object.indexed = [{ visibleAt: 0, properties: { ...object.properties }, updatedAt: object.updatedAt }];
    }
    for (const [name, value] of Object.entries(properties)) {
      if (value === "") delete object.properties[name];
      else object.properties[name] = value;
    }
    this.stamp(object, at);
    this.index(object);
  }

  /** Queue the record's current state for the search index (only while the index lags). */
  private index(object: StoredObject): void {
    if (this.indexDelayMs <= 0) {
      delete object.indexed;
      return;
    }
    const version = {
      visibleAt: this.clock() + this.indexDelayMs,
      properties: { ...object.properties },
      updatedAt: object.updatedAt,
    };
    const now = this.clock();
    // Versions already visible before the newest visible one can never be read again.
    const kept = (object.indexed ?? []).filter(
      (v, i, all) => v.visibleAt > now || !all.slice(i + 1).some((w) => w.visibleAt <= now),
    );
    object.indexed = [...kept, version];
  }

  /**
   * Live records as the search index sees them at `now`: records whose first write is not indexed
   * yet are missing; changed records show their last indexed version (old values, old timestamp).
   */
  searchable(type: ObjectType): StoredObject[] {
    const now = this.clock();
    const out: StoredObject[] = [];
    for (const object of this.listLive(type)) {
      if (object.indexed === undefined) {
        out.push(object);
        continue;
      }
      const version = object.indexed.filter((v) => v.visibleAt <= now).at(-1);
      if (version === undefined) continue;
      if (version === object.indexed.at(-1)) out.push(object);
      else out.push({ ...object, properties: version.properties, updatedAt: version.updatedAt });
    }
    return out;
  }

  /** Archive (delete) a record: it leaves lists and listings, and shows under `archived=true`. */
  archive(type: ObjectType, id: string): void {
    const object = this.live(type, id);
    if (!object) throw new Error(`no live ${type} ${id}`);
    object.archivedAt = this.clock();
    for (const members of this.lists.values()) members.delete(id);
  }

  /**
   * Merge `mergedId` into `primaryId`: the merged id resolves to the survivor from now on, leaves its
   * lists (the survivor joins them) and is added to the survivor's `hs_merged_object_ids`.
   */
  merge(primaryId: string, mergedId: string, type: ObjectType = "contacts"): StoredObject {
    const primary = this.live(type, primaryId);
    const merged = this.live(type, mergedId);
    if (!primary || !merged || primary === merged)
      throw new Error(`cannot merge ${mergedId} into ${primaryId}`);
    merged.mergedInto = primary.id;
    const ids = new Set((primary.properties.hs_merged_object_ids ?? "").split(";").filter(Boolean));
    for (const id of [merged.id, ...(merged.properties.hs_merged_object_ids ?? "").split(";")])
      if (id) ids.add(id);
    const survivorProperties = { ...merged.properties, ...primary.properties };
    survivorProperties.hs_merged_object_ids = [...ids].join(";");
    primary.properties = survivorProperties;
    this.stamp(primary, this.clock());
    for (const members of this.lists.values()) {
      if (members.delete(merged.id) && !members.has(primary.id)) members.set(primary.id, this.clock());
    }
    return primary;
  }

  addToList(listId: string, ids: readonly string[]): void {
    let members = this.lists.get(listId);
    if (!members) {
      members = new Map();
      this.lists.set(listId, members);
    }
    for (const id of ids) if (!members.has(id)) members.set(id, this.clock());
  }

  removeFromList(listId: string, ids: readonly string[]): void {
    const members = this.lists.get(listId);
    for (const id of ids) members?.delete(id);
  }

  /** Members of a list in record id order, as `GET /crm/v3/lists/{id}/memberships` pages them. */
  members(listId: string): { recordId: string; joinedAt: number }[] | undefined {
    const members = this.lists.get(listId);
    if (!members) return undefined;
    return [...members]
      .map(([recordId, joinedAt]) => ({ recordId, joinedAt }))
      .sort((a, b) => Number(a.recordId) - Number(b.recordId));
  }

  /** The object a request path names (name, type id, fully qualified name), if the portal has it. */
  resolveType(raw: string): ObjectType | undefined {
    return resolveObjectType(raw, this.hubId);
  }
}
