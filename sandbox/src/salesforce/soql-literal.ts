import { malformedQuery, SalesforceApiError } from "./errors.js";
import { toId18 } from "./ids.js";
import type { FieldDef, SfValue } from "./schema.js";
import { parseDate, parseDatetime } from "./values.js";

const SIMPLE_ESCAPES: Record<string, string> = {
  n: "\n",
  r: "\r",
  t: "\t",
  b: "\b",
  f: "\f",
  '"': '"',
  "'": "'",
  "\\": "\\",
};

/**
 * Walks a quoted SOQL string literal, calling `emit` for each character and whether it came from an
 * escape. `\_` and `\%` are legal only in LIKE patterns; any other unknown escape is an error.
 * https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_quotedstringescapes.htm
 */
function scanString(quoted: string, like: boolean, emit: (ch: string, escaped: boolean) => void): void {
  const body = quoted.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== "\\") {
      emit(ch, false);
      continue;
    }
    const next = body[i + 1] ?? "";
    i += 1;
    const simple = SIMPLE_ESCAPES[next.toLowerCase()] ?? SIMPLE_ESCAPES[next];
    if (simple !== undefined) emit(simple, true);
    else if ((next === "u" || next === "U") && /^[0-9a-fA-F]{4}$/.test(body.slice(i + 1, i + 5))) {
      emit(String.fromCharCode(Number.parseInt(body.slice(i + 1, i + 5), 16)), true);
      i += 4;
    } else if (like && (next === "_" || next === "%")) emit(next, true);
    else {
      throw malformedQuery(
        `Invalid string literal '${body}'. Illegal character sequence '\\${next}' in string literal.`,
      );
    }
  }
}

export function decodeString(quoted: string): string {
  let out = "";
  scanString(quoted, false, (ch) => {
    out += ch;
  });
  return out;
}

/** A LIKE pattern as a case-insensitive anchored regex: `%` any run, `_` one character. */
export function likePattern(quoted: string): RegExp {
  let source = "";
  scanString(quoted, true, (ch, escaped) => {
    if (!escaped && ch === "%") source += "[\\s\\S]*";
    else if (!escaped && ch === "_") source += "[\\s\\S]";
    else source += ch.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
  });
  return new RegExp(`^${source}$`, "i");
}

function mismatch(field: FieldDef, expected: string, quoted: boolean): SalesforceApiError {
  return new SalesforceApiError(
    400,
    "INVALID_FIELD",
    `value of filter criterion for field '${field.name}' must be of type ${expected} and should ${quoted ? "" : "not "}be enclosed in quotes`,
  );
}

/**
 * Converts one parsed literal to the stored representation of `field`, rejecting type mismatches as
 * Salesforce does (e.g. a quoted value for a boolean, a date for a datetime field).
 */
export function literalValue(field: FieldDef, raw: string, literalType: string | undefined): SfValue {
  if (literalType === "NULL") return null;
  switch (field.type) {
    case "id":
    case "reference": {
      if (literalType !== "STRING") throw mismatch(field, "id", true);
      const text = decodeString(raw);
      const id = toId18(text);
      if (id === undefined) {
        throw new SalesforceApiError(400, "INVALID_QUERY_FILTER_OPERATOR", `invalid ID field: ${text}`);
      }
      return id;
    }
    case "boolean":
      if (literalType !== "BOOLEAN") throw mismatch(field, "boolean", false);
      return raw.toUpperCase() === "TRUE";
    case "int":
    case "double":
      if (literalType !== "INTEGER" && literalType !== "DECIMAL") throw mismatch(field, "double", false);
      return Number(raw);
    case "datetime": {
      const ms = literalType === "DATETIME" ? parseDatetime(raw) : undefined;
      if (ms === undefined) throw mismatch(field, "dateTime", false);
      return ms;
    }
    case "date": {
      const d = literalType === "DATE" ? parseDate(raw) : undefined;
      if (d === undefined) throw mismatch(field, "date", false);
      return d;
    }
    default:
      if (literalType !== "STRING") throw mismatch(field, "string", true);
      return decodeString(raw);
  }
}
