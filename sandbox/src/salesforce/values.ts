import { toId18 } from "./ids.js";
import type { FieldDef, ObjectDef, SfRecord, SfValue } from "./schema.js";

/** Salesforce's datetime wire format: `2026-11-28T04:03:57.000+0000`. */
export function formatDatetime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 23)}+0000`;
}

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$/;

/** Epoch ms of an ISO datetime with `Z`, `+0000` or `+00:00` offsets, or undefined when malformed. */
export function parseDatetime(text: string): number | undefined {
  const m = DATETIME.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const millis = frac ? frac.slice(1, 4).padEnd(3, "0") : "000";
  const offset = zone === "Z" || zone === undefined ? "Z" : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const ms = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}.${millis}${offset}`);
  return Number.isNaN(ms) ? undefined : ms;
}

/** A calendar date `YYYY-MM-DD`, or undefined when it is not a real date. */
export function parseDate(text: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return undefined;
  const ms = Date.parse(`${text}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().startsWith(text) ? text : undefined;
}

/** A stored value as the REST API returns it. */
export function renderValue(field: FieldDef, value: SfValue | undefined): SfValue {
  if (value === undefined || value === null) return null;
  return field.type === "datetime" && typeof value === "number" ? formatDatetime(value) : value;
}

export interface FieldError {
  statusCode: string;
  message: string;
  fields: string[];
}

function typeError(field: FieldDef, value: unknown): FieldError {
  return {
    statusCode: "INVALID_TYPE_ON_FIELD_IN_RECORD",
    message: `${field.label}: value not of required type: ${String(value)}`,
    fields: [field.name],
  };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function coerceText(field: FieldDef, raw: unknown): SfValue | FieldError {
  if (typeof raw !== "string" && typeof raw !== "number" && typeof raw !== "boolean") {
    return typeError(field, raw);
  }
  const value = String(raw);
  if (value.length > field.length) {
    return {
      statusCode: "STRING_TOO_LONG",
      message: `${field.label}: data value too large: ${value.slice(0, 40)} (max length=${field.length})`,
      fields: [field.name],
    };
  }
  if (field.type === "email" && !EMAIL.test(value)) {
    return {
      statusCode: "INVALID_EMAIL_ADDRESS",
      message: `${field.label}: invalid email address: ${value}`,
      fields: [field.name],
    };
  }
  if (field.restricted && field.picklist && !field.picklist.includes(value)) {
    return {
      statusCode: "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
      message: `${field.label}: bad value for restricted picklist field: ${value}`,
      fields: [field.name],
    };
  }
  return value;
}

/**
 * Checks one inbound JSON value against its field's type and returns the value to store, or the
 * per-record error Salesforce would report. Empty strings are stored as null, as Salesforce does.
 */
export function coerceValue(field: FieldDef, raw: unknown): SfValue | FieldError {
  if (raw === null || raw === "") {
    if (field.type === "boolean") return false;
    if (!field.nillable) {
      return {
        statusCode: "REQUIRED_FIELD_MISSING",
        message: `Required fields are missing: [${field.name}]`,
        fields: [field.name],
      };
    }
    return null;
  }
  switch (field.type) {
    case "id":
    case "reference": {
      const id = typeof raw === "string" ? toId18(raw) : undefined;
      if (id === undefined) {
        return {
          statusCode: "MALFORMED_ID",
          message: `${field.label}: id value of incorrect type: ${String(raw)}`,
          fields: [field.name],
        };
      }
      return id;
    }
    case "boolean":
      if (typeof raw === "boolean") return raw;
      if (raw === "true" || raw === "false") return raw === "true";
      return typeError(field, raw);
    case "int":
    case "double": {
      const n = typeof raw === "string" && raw.trim() !== "" ? Number(raw) : raw;
      if (typeof n !== "number" || !Number.isFinite(n)) return typeError(field, raw);
      return field.type === "int" ? Math.trunc(n) : n;
    }
    case "date": {
      const d = typeof raw === "string" ? parseDate(raw) : undefined;
      return d ?? typeError(field, raw);
    }
    case "datetime": {
      const ms = typeof raw === "string" ? parseDatetime(raw) : undefined;
      return ms ?? typeError(field, raw);
    }
    default:
      return coerceText(field, raw);
  }
}

export function isFieldError(value: SfValue | FieldError): value is FieldError {
  return typeof value === "object" && value !== null;
}

/** A record as the API shows it (datetimes formatted), every field present; used by the in-process API. */
export function recordView(def: ObjectDef, record: SfRecord): Record<string, SfValue> {
  const view: Record<string, SfValue> = {};
  for (const field of def.fields) view[field.name] = renderValue(field, record[field.name]);
  return view;
}
