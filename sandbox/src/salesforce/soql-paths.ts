import { noSuchColumn } from "./errors.js";
import { type FieldDef, type ObjectDef, objectDef, type SfRecord, type SfValue } from "./schema.js";
import type { SalesforceStore } from "./store.js";

/** One hop through a lookup, e.g. CampaignMember.LeadId → `Lead`. */
export interface Hop {
  readonly reference: FieldDef;
  /** Canonical relationship name as returned in results (`Lead`, `Who`). */
  readonly name: string;
}

/** A field reachable from a record, possibly through lookups: `Phone`, `Lead.Phone`, `Who.Owner.Name`. */
export interface FieldPath {
  readonly hops: readonly Hop[];
  readonly field: FieldDef;
  /** Canonical name of the last segment. */
  readonly name: string;
  /** The canonical dotted path, used to spot duplicates. */
  readonly key: string;
}

function targets(reference: FieldDef): ObjectDef[] {
  return (reference.referenceTo ?? [])
    .map((t) => objectDef(t))
    .filter((d): d is ObjectDef => d !== undefined);
}

/**
 * Resolves a dotted path against `root`. A polymorphic lookup (Task.Who) accepts a field that exists on
 * any of its targets; records of the other targets read it as null.
 */
export function resolvePath(root: ObjectDef, path: string): FieldPath {
  const segments = path.split(".");
  let candidates: ObjectDef[] = [root];
  const hops: Hop[] = [];
  let start = 0;
  if (segments.length > 1 && segments[0]!.toLowerCase() === root.name.toLowerCase()) start = 1;
  for (let i = start; i < segments.length - 1; i++) {
    const segment = segments[i]!.toLowerCase();
    const reference = candidates.map((c) => c.relationships.get(segment)).find((r) => r !== undefined);
    if (!reference?.relationshipName) throw noSuchColumn(segments[i]!, candidates[0]!.name);
    hops.push({ reference, name: reference.relationshipName });
    candidates = targets(reference);
  }
  const last = segments[segments.length - 1]!;
  const field = candidates.map((c) => c.byName.get(last.toLowerCase())).find((f) => f !== undefined);
  if (!field) throw noSuchColumn(last, candidates[0]!.name);
  const key = [...hops.map((h) => h.name), field.name].join(".");
  return { hops, field, name: field.name, key };
}

/** The record a lookup points at, or null when the lookup is empty or dangling. */
export function follow(store: SalesforceStore, record: SfRecord | null, hop: Hop): SfRecord | null {
  const id = record?.[hop.reference.name];
  return typeof id === "string" ? (store.get(id) ?? null) : null;
}

/** A getter for a path's stored value, for WHERE and ORDER BY. */
export function pathGetter(store: SalesforceStore, path: FieldPath): (record: SfRecord) => SfValue {
  const name = path.field.name;
  if (path.hops.length === 0) return (record) => record[name] ?? null;
  return (record) => {
    let current: SfRecord | null = record;
    for (const hop of path.hops) current = follow(store, current, hop);
    return current?.[name] ?? null;
  };
}
