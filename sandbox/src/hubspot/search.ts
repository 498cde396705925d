import type { PropertyDefinition, PropertyType } from "./properties.js";
import type { StoredObject } from "./store.js";

export interface Filter {
  propertyName: string;
  operator: string;
  value?: string | undefined;
  highValue?: string | undefined;
  values?: string[] | undefined;
}

export interface Sort {
  propertyName: string;
  direction: "ASCENDING" | "DESCENDING";
}

type Lookup = (name: string) => PropertyDefinition | undefined;

function raw(object: StoredObject, name: string): string | undefined {
  if (name === "hs_object_id") return object.id;
  const value = object.properties[name];
  return value === undefined || value === "" ? undefined : value;
}

function toMs(value: string): number {
  return /^-?\d+$/.test(value) ? Number(value) : Date.parse(value);
}

/** A comparable form of a value for a property type: numbers for numbers and dates, lower-case text otherwise. */
function comparable(type: PropertyType | undefined, value: string): number | string {
  if (type === "number") return Number(value);
  if (type === "datetime" || type === "date") return toMs(value);
  return value.toLowerCase();
}

/** Fast paths for the properties every incremental sync filters and sorts on. */
function keyOf(
  object: StoredObject,
  name: string,
  type: PropertyType | undefined,
): number | string | undefined {
  if (name === "hs_object_id") return object.num;
  if (name === "lastmodifieddate" || name === "hs_lastmodifieddate") return object.updatedAt;
  if (name === "createdate") return object.createdAt;
  const value = raw(object, name);
  return value === undefined ? undefined : comparable(type, value);
}

function compare(a: number | string, b: number | string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One filter, with HubSpot's operators. NEQ and NOT_* also match records without a value. */
export function matches(object: StoredObject, filter: Filter, lookup: Lookup): boolean {
  const type = lookup(filter.propertyName)?.type;
  const value = keyOf(object, filter.propertyName, type);
  const target = filter.value === undefined ? undefined : comparable(type, filter.value);
  const inValues = () =>
    (filter.values ?? []).some((v) => value !== undefined && compare(value, comparable(type, v)) === 0);
  const tokens = () =>
    String(value ?? "")
      .toLowerCase()
      .split(/[^a-z0-9@._*-]+/);
  switch (filter.operator) {
    case "EQ":
      return value !== undefined && target !== undefined && compare(value, target) === 0;
    case "NEQ":
      return value === undefined || target === undefined || compare(value, target) !== 0;
    case "LT":
      return value !== undefined && target !== undefined && compare(value, target) < 0;
    case "LTE":
      return value !== undefined && target !== undefined && compare(value, target) <= 0;
    case "GT":
      return value !== undefined && target !== undefined && compare(value, target) > 0;
    case "GTE":
      return value !== undefined && target !== undefined && compare(value, target) >= 0;
    case "BETWEEN": {
      const high = filter.highValue === undefined ? undefined : comparable(type, filter.highValue);
      return (
        value !== undefined &&
        target !== undefined &&
        high !== undefined &&
        compare(value, target) >= 0 &&
        compare(value, high) <= 0
      );
    }
    case "IN":
      return inValues();
    case "NOT_IN":
      return !inValues();
    case "HAS_PROPERTY":
      return value !== undefined;
    case "NOT_HAS_PROPERTY":
      return value === undefined;
    case "CONTAINS_TOKEN":
      return tokens().includes((filter.value ?? "").toLowerCase().replaceAll("*", ""));
    case "NOT_CONTAINS_TOKEN":
      return !tokens().includes((filter.value ?? "").toLowerCase().replaceAll("*", ""));
    default:
      return false;
  }
}

/** Filter groups are OR-ed, the filters of a group AND-ed; no groups matches everything. */
export function matchesGroups(
  object: StoredObject,
  groups: readonly { filters: Filter[] }[],
  lookup: Lookup,
): boolean {
  return compileGroups(groups, lookup)(object);
}

/**
 * `matchesGroups` for one request, prepared once: an IN or EQ on a text property becomes a set
 * lookup, so a search reads each record once instead of resolving every filter per record.
 */
export function compileGroups(
  groups: readonly { filters: Filter[] }[],
  lookup: Lookup,
): (object: StoredObject) => boolean {
  if (groups.length === 0) return () => true;
  const compiled = groups.map((group) => group.filters.map((filter) => compileFilter(filter, lookup)));
  return (object) => compiled.some((filters) => filters.every((test) => test(object)));
}

function compileFilter(filter: Filter, lookup: Lookup): (object: StoredObject) => boolean {
  const type = lookup(filter.propertyName)?.type;
  const text = type !== "number" && type !== "datetime" && type !== "date";
  const name = filter.propertyName;
  // Text values compare lower-cased and exactly (`comparable`), so a set answers IN and EQ alike.
  if (text && name !== "hs_object_id" && (filter.operator === "IN" || filter.operator === "EQ")) {
    const values =
      filter.operator === "IN" ? (filter.values ?? []) : filter.value === undefined ? [] : [filter.value];
    const wanted = new Set(values.map((v) => v.toLowerCase()));
    return (object) => {
      const value = raw(object, name);
      return value !== undefined && wanted.has(value.toLowerCase());
    };
  }
  return (object) => matches(object, filter, lookup);
}

/** Sort by one property; ties keep the index's own order, which is not the id. Missing values last. */
export function sortObjects(objects: StoredObject[], sort: Sort | undefined, lookup: Lookup): StoredObject[] {
  if (!sort) return objects.sort((a, b) => a.num - b.num);
  const type = lookup(sort.propertyName)?.type;
  const sign = sort.direction === "DESCENDING" ? -1 : 1;
  const keyed = objects.map((object) => ({ object, key: keyOf(object, sort.propertyName, type) }));
  keyed.sort((a, b) => {
    if (a.key === undefined || b.key === undefined) {
      return a.key === b.key ? a.object.order - b.object.order : a.key === undefined ? 1 : -1;
    }
    return sign * compare(a.key, b.key) || a.object.order - b.object.order;
  });
  return keyed.map((k) => k.object);
}

/** `sorts` as sent: `"name"`, `"-name"` (the SDK's strings) or `{propertyName, direction}`. */
export function parseSort(sort: string | { propertyName: string; direction?: string | undefined }): Sort {
  if (typeof sort === "string") {
    return sort.startsWith("-")
      ? { propertyName: sort.slice(1), direction: "DESCENDING" }
      : { propertyName: sort, direction: "ASCENDING" };
  }
  return {
    propertyName: sort.propertyName,
    direction: sort.direction === "DESCENDING" ? "DESCENDING" : "ASCENDING",
  };
}
