import { type FieldType as ParsedField, parseQuery, type Query } from "@jetstreamapp/soql-parser-js";
import { invalidType, malformedQuery } from "./errors.js";
import { isTextField, type ObjectDef, objectDef, type SfRecord, type SfValue } from "./schema.js";
import { type FieldPath, pathGetter, resolvePath } from "./soql-paths.js";
import { type JsonObject, Projection } from "./soql-render.js";
import { compileWhere } from "./soql-where.js";
import type { SalesforceStore } from "./store.js";
import { topK } from "./top-k.js";

export type { JsonObject };

/** A query's result as of query time; rows render on demand, so paging a big result stays cheap. */
export interface QuerySnapshot {
  /** What the API reports as `totalSize` (for `COUNT()`, the count while no rows are returned). */
  readonly totalSize: number;
  /** Rows available to page through. */
  readonly length: number;
  render(from: number, to: number, version: string): JsonObject[];
}

/** Every row at once, as the in-process `SalesforceSandbox.query` returns it. */
export interface QueryResult {
  totalSize: number;
  records: JsonObject[];
}

export interface QueryOptions {
  /** `queryAll`: include soft-deleted rows. */
  includeDeleted: boolean;
}

type SelectItem = { kind: "path"; path: FieldPath } | { kind: "count"; alias: string; path?: FieldPath };

function parse(soql: string): Query {
  try {
    return parseQuery(soql);
  } catch (error) {
    throw malformedQuery(error instanceof Error ? error.message : String(error));
  }
}

function rootOf(query: Query): ObjectDef {
  const def = objectDef(query.sObject ?? "");
  if (!def) throw invalidType(query.sObject ?? "");
  if (
    query.groupBy ||
    query.having ||
    query.for ||
    query.update ||
    query.withDataCategory ||
    query.usingScope
  ) {
    throw malformedQuery(
      "GROUP BY, HAVING, FOR, UPDATE, WITH DATA CATEGORY and USING SCOPE are not supported",
    );
  }
  return def;
}

function compileSelect(root: ObjectDef, fields: readonly ParsedField[]): SelectItem[] {
  const items: SelectItem[] = [];
  const seen = new Set<string>();
  let unnamed = 0;
  const addPath = (path: FieldPath) => {
    if (seen.has(path.key)) return;
    seen.add(path.key);
    items.push({ kind: "path", path });
  };
  for (const f of fields) {
    if (f.type === "Field") addPath(resolvePath(root, f.field));
    else if (f.type === "FieldRelationship")
      addPath(resolvePath(root, [...f.relationships, f.field].join(".")));
    else if (f.type === "FieldFunctionExpression" && f.functionName.toUpperCase() === "FIELDS") {
      const scope = String(f.parameters[0] ?? "").toUpperCase();
      if (scope !== "CUSTOM") for (const field of root.fields) addPath(resolvePath(root, field.name));
    } else if (f.type === "FieldFunctionExpression" && f.functionName.toUpperCase() === "COUNT") {
      const param = f.parameters[0];
      if (typeof param !== "string" && param !== undefined) throw malformedQuery("COUNT takes a field name");
      // Salesforce numbers only the unaliased aggregates: expr0, expr1, …
      const alias = f.alias ?? `expr${unnamed++}`;
      items.push({ kind: "count", alias, ...(param ? { path: resolvePath(root, param) } : {}) });
    } else {
      throw malformedQuery(
        `${"rawValue" in f ? String(f.rawValue) : f.type} is not supported by the sandbox`,
      );
    }
  }
  if (items.some((i) => i.kind === "count") && items.some((i) => i.kind === "path")) {
    throw malformedQuery("Field must be grouped or aggregated");
  }
  return items;
}

function compareValues(a: SfValue, b: SfValue, nullsFirst: boolean): number {
  if (a === b) return 0;
  if (a === null) return nullsFirst ? -1 : 1;
  if (b === null) return nullsFirst ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function ordered(store: SalesforceStore, root: ObjectDef, query: Query, rows: SfRecord[]): SfRecord[] {
  const clauses = query.orderBy ? (Array.isArray(query.orderBy) ? query.orderBy : [query.orderBy]) : [];
  if (clauses.length === 0) return rows;
  const specs = clauses.map((c) => {
    if (!("field" in c)) throw malformedQuery("ORDER BY functions are not supported by the sandbox");
    const path = resolvePath(root, c.field);
    const get = pathGetter(store, path);
    const text = isTextField(path.field);
    const desc = c.order === "DESC";
    const column: SfValue[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const v = get(rows[i]!);
      column[i] = text && typeof v === "string" ? v.toLowerCase() : v;
    }
    return { column, sign: desc ? -1 : 1, nullsFirst: c.nulls ? (c.nulls === "FIRST") !== desc : true };
  });
  // Sort row positions against precomputed columns; the position breaks ties, so the order is stable.
  const cmp = (a: number, b: number): number => {
    for (const spec of specs) {
      const c = compareValues(spec.column[a] ?? null, spec.column[b] ?? null, spec.nullsFirst);
      if (c !== 0) return c * spec.sign;
    }
    return a - b;
  };
  const positions: number[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) positions[i] = i;
  const need = query.limit === undefined ? undefined : query.limit + (query.offset ?? 0);
  const sorted =
    need !== undefined && need * 4 < rows.length ? topK(positions, need, cmp) : positions.sort(cmp);
  return sorted.map((i) => rows[i]!);
}

/** `Id IN (SELECT LeadId FROM CampaignMember WHERE …)`: the subquery's single column as a set. */
function semiJoin(store: SalesforceStore, sub: Query): ReadonlySet<SfValue> {
  const root = rootOf(sub);
  const [only, ...rest] = compileSelect(root, sub.fields ?? []);
  if (only?.kind !== "path" || rest.length > 0) throw malformedQuery("a semi-join selects exactly one field");
  const nested = (): never => {
    throw malformedQuery("Nesting of semi join sub-selects is not supported");
  };
  const where = compileWhere({ store, root, subquery: nested }, sub.where);
  const get = pathGetter(store, only.path);
  const values = new Set<SfValue>();
  for (const r of store.rows(root.name)) if (!r.IsDeleted && where(r)) values.add(get(r));
  return values;
}

/** Parses and evaluates a SOQL query against the store; the caller pages through the snapshot. */
export function executeQuery(store: SalesforceStore, soql: string, options: QueryOptions): QuerySnapshot {
  const query = parse(soql);
  const root = rootOf(query);
  const items = compileSelect(root, query.fields ?? []);
  const predicate = compileWhere({ store, root, subquery: (sub) => semiJoin(store, sub) }, query.where);
  const matched: SfRecord[] = [];
  for (const r of store.rows(root.name)) {
    if ((options.includeDeleted || !r.IsDeleted) && predicate(r)) matched.push(r);
  }
  const offset = query.offset ?? 0;
  const end = query.limit === undefined ? undefined : offset + query.limit;
  const page = ordered(store, root, query, matched).slice(offset, end);
  const counts = items.filter((i) => i.kind === "count");
  if (counts.length === 0) {
    const paths = items.flatMap((i) => (i.kind === "path" ? [i.path] : []));
    const projection = new Projection(store, root, paths);
    const related = projection.hasLookups ? page.map((r) => projection.capture(r)) : undefined;
    return {
      totalSize: page.length,
      length: page.length,
      render: (from, to, version) => {
        const out: JsonObject[] = [];
        for (let i = from; i < Math.min(to, page.length); i++)
          out.push(projection.render(page[i]!, related?.[i], version));
        return out;
      },
    };
  }
  if (counts.length === 1 && !counts[0]!.path && !query.fields?.some((f) => "alias" in f && f.alias)) {
    return { totalSize: page.length, length: 0, render: () => [] };
  }
  const row: JsonObject = { attributes: { type: "AggregateResult" } };
  for (const c of counts) {
    const get = c.path ? pathGetter(store, c.path) : undefined;
    row[c.alias] = get ? page.filter((r) => get(r) !== null).length : page.length;
  }
  return { totalSize: 1, length: 1, render: (from) => (from === 0 ? [row] : []) };
}
