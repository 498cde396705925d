import type { PhoneNumber } from "libphonenumber-js/max";
import type { CrmRecord } from "../../connectors/types.js";
import type { FieldMapping, FieldRule } from "../config/schema.js";
import { type Lead, leadKey, leadSchema } from "../model/lead.js";
import { maskPhone } from "../observability/mask.js";
import { applyTransform, type PhoneParser, parsePhone, type Scalar } from "./transforms.js";

/**
 * `parsedPhone`: `lead.phone` as parsed here, for the compliance gate's location (so a sync parses
 * each number once); absent when the mapping took the phone as E.164 without a `phone` transform.
 */
export type MapResult =
  | { ok: true; lead: Lead; parsedPhone?: PhoneNumber }
  | { ok: false; crmId: string; problems: string[] };

/** The CRM fields a mapping reads, so connectors select only those. */
export function fieldsRead(mapping: FieldMapping): string[] {
  const fields = new Set<string>();
  for (const rule of mapping.fields) {
    if (rule.from) fields.add(rule.from);
    for (const name of rule.concat ?? []) fields.add(name);
  }
  return [...fields];
}

/** The fields a mapping reads as a phone number (`phone`, `altPhones`), relationship paths included. */
export function phoneFieldsRead(mapping: FieldMapping): string[] {
  return mapping.fields.flatMap((rule) =>
    rule.to === "phone" || rule.to === "altPhones" ? (rule.from ? [rule.from] : (rule.concat ?? [])) : [],
  );
}

function readField(fields: Record<string, unknown>, name: string): unknown {
  if (name in fields) return fields[name];
  // Relationship paths may arrive nested (`{ Account: { Name } }`) rather than flattened.
  let current: unknown = fields;
  for (const part of name.split(".")) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function toScalar(value: unknown): Scalar {
  if (value === undefined || value === null) return null;
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  return JSON.stringify(value);
}

function isEmpty(value: Scalar): boolean {
  return value === null || (typeof value === "string" && value.trim() === "");
}

function ruleValue(rule: FieldRule, fields: Record<string, unknown>): Scalar {
  if (rule.constant !== undefined) return rule.constant;
  if (rule.concat) {
    const parts = rule.concat.map((name) => toScalar(readField(fields, name))).filter((v) => !isEmpty(v));
    return parts.length > 0 ? parts.map(String).join(rule.separator) : null;
  }
  return toScalar(readField(fields, rule.from as string));
}

/**
 * CRM record → canonical lead through an admin mapping. Pure: every problem (a required field
 * empty, a phone that will not parse) is reported for this record, never thrown.
 */
export function mapRecord(
  record: CrmRecord,
  integration: string,
  mapping: FieldMapping,
  parse: PhoneParser = parsePhone,
): MapResult {
  const problems: string[] = [];
  // Each number parsed here, by its E.164 form: parsed once, reused (alt phones, the gate).
  const parsed = new Map<string, PhoneNumber>();
  const toE164 = (input: string): string | undefined => {
    const known = parsed.get(input);
    if (known) return known.number;
    const number = parse(input, mapping.defaultCountry);
    if (number) parsed.set(number.number, number);
    return number?.number;
  };
  const out: Record<string, unknown> = {};
  const extra: Record<string, Scalar> = {};
  for (const rule of mapping.fields) {
    let value = ruleValue(rule, record.fields);
    if (isEmpty(value)) {
      if (rule.required)
        problems.push(`${rule.from ?? rule.concat?.join("+") ?? rule.to} is empty (required)`);
      continue;
    }
    let failed = false;
    for (const transform of rule.transform) {
      const e164 = transform === "phone" && value !== null ? toE164(String(value)) : undefined;
      const result: ReturnType<typeof applyTransform> =
        transform !== "phone"
          ? applyTransform(transform, value, mapping.defaultCountry)
          : e164
            ? { ok: true, value: e164 }
            : { ok: false, problem: "not a valid phone number" };
      if (!result.ok) {
        problems.push(
          `${rule.from ?? rule.to}: ${transform === "phone" ? maskPhone(String(value)) : result.problem}`,
        );
        failed = true;
        break;
      }
      value = result.value;
    }
    if (failed || isEmpty(value)) continue;
    if (rule.to.startsWith("extra.")) extra[rule.to.slice("extra.".length)] = value;
    else if (rule.to === "altPhones") {
      const phone = toE164(String(value));
      if (phone) out.altPhones = [...((out.altPhones as string[] | undefined) ?? []), phone];
    } else out[rule.to] = value;
  }
  if (out.phone === undefined) {
    if (!problems.some((p) => p.includes("phone") || p.includes("Phone"))) problems.push("no phone number");
  } else if (typeof out.phone === "string" && !out.phone.startsWith("+")) {
    const e164 = toE164(out.phone);
    if (e164) out.phone = e164;
    else problems.push(`phone ${maskPhone(out.phone)} is not a valid phone number`);
  }
  if (problems.length > 0) return { ok: false, crmId: record.id, problems };
  // Completed in place, not spread into a new object: the spread was a tenth of a sync's mapping
  // time. The schema's parse copies the lead in its own key order either way.
  out.doNotCall = out.doNotCall === true || out.doNotCall === "true";
  out.key = leadKey(integration, record.objectType, record.id);
  out.integration = integration;
  out.objectType = record.objectType;
  out.crmId = record.id;
  out.membership = record.membership;
  out.extra = extra;
  out.modifiedAt = record.modifiedAt;
  const result = leadSchema.safeParse(out);
  if (!result.success) {
    return {
      ok: false,
      crmId: record.id,
      problems: result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`),
    };
  }
  const parsedPhone = parsed.get(result.data.phone);
  return { ok: true, lead: result.data, ...(parsedPhone ? { parsedPhone } : {}) };
}
