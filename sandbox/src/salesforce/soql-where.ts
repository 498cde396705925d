import type { Query, WhereClause } from "@jetstreamapp/soql-parser-js";
import { malformedQuery, SalesforceApiError } from "./errors.js";
import { type FieldDef, isTextField, type ObjectDef, type SfRecord, type SfValue } from "./schema.js";
import { likePattern, literalValue } from "./soql-literal.js";
import { pathGetter, resolvePath } from "./soql-paths.js";
import type { SalesforceStore } from "./store.js";

export type Predicate = (record: SfRecord) => boolean;

/** Runs a semi-join subquery and returns the single selected column's values. */
export type SubqueryRunner = (query: Query) => ReadonlySet<SfValue>;

interface Leaf {
  field?: string;
  fn?: unknown;
  operator?: string;
  value?: string | string[];
  literalType?: string | string[];
  valueQuery?: Query;
  openParen?: number;
  closeParen?: number;
}

type Token = "(" | ")" | "AND" | "OR" | "NOT" | Leaf;

/**
 * The parser returns WHERE as a right-leaning list with parenthesis counts on each condition; flatten
 * it back to tokens so precedence and grouping can be rebuilt properly.
 */
function flatten(where: WhereClause | undefined, out: Token[]): Token[] {
  for (let node = where; node; ) {
    const left = node.left as Leaf | null;
    if (left) {
      for (let i = 0; i < (left.openParen ?? 0); i++) out.push("(");
      if (left.field !== undefined || left.fn !== undefined) out.push(left);
      for (let i = 0; i < (left.closeParen ?? 0); i++) out.push(")");
    }
    const op = "operator" in node ? node.operator : undefined;
    if (op) out.push(op);
    node = "right" in node ? node.right : undefined;
  }
  return out;
}

export interface WhereContext {
  readonly store: SalesforceStore;
  readonly root: ObjectDef;
  readonly subquery: SubqueryRunner;
}

/** Compiles a WHERE clause into a predicate; SOQL forbids mixing AND and OR without parentheses. */
export function compileWhere(ctx: WhereContext, where: WhereClause | undefined): Predicate {
  if (!where) return () => true;
  const tokens = flatten(where, []);
  let at = 0;
  const peek = () => tokens[at];

  function unary(): Predicate {
    const token = tokens[at++];
    if (token === "NOT") {
      const inner = unary();
      return (r) => !inner(r);
    }
    if (token === "(") {
      const inner = expression();
      if (tokens[at++] !== ")") throw malformedQuery("unexpected token: missing ')'");
      return inner;
    }
    if (token === undefined || typeof token === "string") {
      throw malformedQuery(`unexpected token: ${token ?? "end of WHERE"}`);
    }
    return condition(ctx, token);
  }

  function expression(): Predicate {
    const parts = [unary()];
    let op: string | undefined;
    for (let next = peek(); next === "AND" || next === "OR"; next = peek()) {
      if (op && op !== next) throw malformedQuery(`unexpected token: '${next}'`);
      op = next;
      at += 1;
      parts.push(unary());
    }
    if (parts.length === 1) return parts[0]!;
    const all = op === "AND";
    return (r) => {
      for (const part of parts) if (part(r) !== all) return !all;
      return all;
    };
  }

  const predicate = expression();
  if (at !== tokens.length) throw malformedQuery(`unexpected token: '${String(tokens[at])}'`);
  return predicate;
}

/** Text compares case-insensitively; ids compare exactly (their 18-character forms). */
function normalizer(field: FieldDef): (v: SfValue) => SfValue {
  return isTextField(field) ? (v) => (typeof v === "string" ? v.toLowerCase() : v) : (v) => v;
}

function literals(leaf: Leaf, field: FieldDef): SfValue[] {
  const values = Array.isArray(leaf.value) ? leaf.value : [leaf.value ?? ""];
  return values.map((raw, i) => {
    const type = Array.isArray(leaf.literalType) ? leaf.literalType[i] : leaf.literalType;
    if (type === "DATE_LITERAL" || type === "DATE_N_LITERAL" || type === "APEX_BIND_VARIABLE") {
      throw malformedQuery(`${raw}: date literals and bind variables are not supported by the sandbox`);
    }
    return literalValue(field, raw, type);
  });
}

function condition(ctx: WhereContext, leaf: Leaf): Predicate {
  if (leaf.field === undefined) throw malformedQuery("functions in WHERE are not supported by the sandbox");
  const path = resolvePath(ctx.root, leaf.field);
  const get = pathGetter(ctx.store, path);
  const norm = normalizer(path.field);
  const op = leaf.operator ?? "";

  if (leaf.valueQuery) {
    if (op !== "IN" && op !== "NOT IN") throw malformedQuery(`semi-join requires IN or NOT IN, not ${op}`);
    const ids = ctx.subquery(leaf.valueQuery);
    return op === "IN" ? (r) => ids.has(get(r)) : (r) => !ids.has(get(r));
  }
  if (op === "LIKE") {
    if (!isTextField(path.field) || leaf.literalType !== "STRING" || typeof leaf.value !== "string") {
      throw new SalesforceApiError(400, "INVALID_FIELD", `invalid operator on field: ${path.field.name}`);
    }
    const regex = likePattern(leaf.value);
    return (r) => {
      const v = get(r);
      return typeof v === "string" && regex.test(v);
    };
  }
  const values = literals(leaf, path.field).map(norm);
  if (op === "IN" || op === "NOT IN") {
    const set = new Set(values);
    return op === "IN" ? (r) => set.has(norm(get(r))) : (r) => !set.has(norm(get(r)));
  }
  const target = values[0] ?? null;
  const cmp = comparison(op);
  return (r) => cmp(norm(get(r)), target);
}

function comparison(op: string): (a: SfValue, b: SfValue) => boolean {
  switch (op) {
    case "=":
      return (a, b) => a === b;
    case "!=":
      return (a, b) => a !== b;
    case "<":
      return (a, b) => a !== null && b !== null && a < b;
    case "<=":
      return (a, b) => a !== null && b !== null && a <= b;
    case ">":
      return (a, b) => a !== null && b !== null && a > b;
    case ">=":
      return (a, b) => a !== null && b !== null && a >= b;
    default:
      throw malformedQuery(`operator ${op} is not supported by the sandbox`);
  }
}
