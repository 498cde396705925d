import type { CrmRecord } from "../../connectors/types.js";
import type { FieldMapping, FieldRule } from "../config/schema.js";
import { type Lead, leadKey, leadSchema } from "../model/lead.js";
import { maskPhone } from "../observability/mask.js";
import { applyTransform, type Scalar, toE164 } from "./transforms.js";

export type MapResult = { ok: true; lead: Lead } | { ok: false; crmId: string; problems: string[] };

/** The CRM fields a mapping reads, so connectors select only those. */
export function fieldsRead(mapping: FieldMapping): string[] {
  const fields = new Set<string>();
  for (const rule of mapping.fields) {
    if (rule.from) fields.add(rule.from);
    for (const name of rule.concat ?? []) fields.add(name);
  }
  return [...fields];
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
export function mapRecord(record: CrmRecord, integration: string, mapping: FieldMapping): MapResult {
  const problems: string[] = [];
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
      const result = applyTransform(transform, value, mapping.defaultCountry);
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
      const phone = toE164(String(value), mapping.defaultCountry);
      if (phone) out.altPhones = [...((out.altPhones as string[] | undefined) ?? []), phone];
    } else out[rule.to] = value;
  }
  if (out.phone === undefined) {
    if (!problems.some((p) => p.includes("phone") || p.includes("Phone"))) problems.push("no phone number");
  } else if (typeof out.phone === "string" && !out.phone.startsWith("+")) {
    const e164 = toE164(out.phone, mapping.defaultCountry);
    if (e164) out.phone = e164;
    else problems.push(`phone ${maskPhone(out.phone)} is not a valid phone number`);
  }
  if (problems.length > 0) return { ok: false, crmId: record.id, problems };
  const candidate = {
    ...out,
    doNotCall: out.doNotCall === true || out.doNotCall === "true",
    key: leadKey(integration, record.objectType, record.id),
    integration,
    objectType: record.objectType,
    crmId: record.id,
    membership: record.membership,
    extra,
    modifiedAt: record.modifiedAt,
  };
  const parsed = leadSchema.safeParse(candidate);
  if (!parsed.success) {
    return {
      ok: false,
      crmId: record.id,
      problems: parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`),
    };
  }
  return { ok: true, lead: parsed.data };
}
