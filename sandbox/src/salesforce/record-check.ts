import type { FieldDef, ObjectDef, SfRecord, SfValue } from "./schema.js";
import { objectOfId } from "./schema.js";
import type { SalesforceStore } from "./store.js";
import { coerceValue, type FieldError, isFieldError } from "./values.js";

export type SaveError = FieldError;
export type Operation = "create" | "update";

function error(statusCode: string, message: string, fields: string[] = []): SaveError {
  return { statusCode, message, fields };
}

export function crossReferenceError(fields: string[] = []): SaveError {
  return error("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", fields);
}

/**
 * Validates the fields of one inbound record against the object's describe: unknown names, fields the
 * operation may not set, value types. Returns the coerced values keyed by canonical field name.
 */
export function checkFields(
  def: ObjectDef,
  input: Record<string, unknown>,
  operation: Operation,
): Record<string, SfValue> | SaveError[] {
  const values: Record<string, SfValue> = {};
  const errors: SaveError[] = [];
  const readOnly: string[] = [];
  for (const [key, raw] of Object.entries(input)) {
    if (key === "attributes" || (operation === "update" && key.toLowerCase() === "id")) continue;
    if (operation === "create" && key.toLowerCase() === "id") {
      errors.push(error("INVALID_FIELD", "cannot specify Id in an insert call", ["Id"]));
      continue;
    }
    const field = def.byName.get(key.toLowerCase());
    if (!field) {
      errors.push(error("INVALID_FIELD", `No such column '${key}' on sobject of type ${def.name}`, [key]));
      continue;
    }
    if (operation === "create" ? !field.createable : !field.updateable) {
      readOnly.push(field.name);
      continue;
    }
    const value = coerceValue(field, raw);
    if (isFieldError(value)) errors.push(value);
    else values[field.name] = value;
  }
  if (readOnly.length > 0) {
    errors.push(
      error(
        "INVALID_FIELD_FOR_INSERT_UPDATE",
        `Unable to create/update fields: ${readOnly.join(", ")}. Please check the security settings of this ` +
          "field and verify that it is read/write for your profile or permission set.",
        readOnly,
      ),
    );
  }
  return errors.length > 0 ? errors : values;
}

/** Required fields of a create that are still empty once defaults apply. */
export function missingRequired(def: ObjectDef, record: SfRecord): SaveError | undefined {
  const missing = def.fields.filter((f: FieldDef) => f.required && (record[f.name] ?? null) === null);
  if (missing.length === 0) return undefined;
  const names = missing.map((f) => f.name);
  return error("REQUIRED_FIELD_MISSING", `Required fields are missing: [${names.join(", ")}]`, names);
}

/** Lookups must point at a live record of an allowed type. */
export function checkReferences(
  store: SalesforceStore,
  def: ObjectDef,
  changed: Record<string, SfValue>,
): SaveError | undefined {
  for (const [name, value] of Object.entries(changed)) {
    const field = def.byName.get(name.toLowerCase());
    if (field?.type !== "reference" || typeof value !== "string") continue;
    const target = objectOfId(value);
    if (!target || !field.referenceTo?.includes(target.name)) {
      return error("FIELD_INTEGRITY_EXCEPTION", `${field.label}: id value of incorrect type: ${value}`, [
        name,
      ]);
    }
    const record = store.get(value, target.name);
    if (!record || record.IsDeleted) return crossReferenceError([name]);
  }
  return undefined;
}

/** Rules specific to one object that Salesforce enforces beyond field types. */
export function checkObjectRules(
  store: SalesforceStore,
  def: ObjectDef,
  record: SfRecord,
  operation: Operation,
): SaveError | undefined {
  if (
    def.name === "Task" &&
    typeof record.WhoId === "string" &&
    record.WhoId.startsWith("00Q") &&
    record.WhatId
  ) {
    return error(
      "FIELD_INTEGRITY_EXCEPTION",
      "Related To ID: You can't associate a task with a lead and a related record.",
      ["WhatId"],
    );
  }
  // A business account needs a Name; a person account is created with LastName instead.
  if (def.name === "Account" && !record.Name && !record.LastName) {
    return error("REQUIRED_FIELD_MISSING", "Required fields are missing: [Name]", ["Name"]);
  }
  // An Event needs a start and either an end or a duration.
  if (
    def.name === "Event" &&
    operation === "create" &&
    (!record.StartDateTime && !record.ActivityDateTime
      ? true
      : record.EndDateTime == null && record.DurationInMinutes == null)
  ) {
    return error(
      "REQUIRED_FIELD_MISSING",
      "Required fields are missing: [StartDateTime, EndDateTime or DurationInMinutes]",
      ["StartDateTime", "EndDateTime", "DurationInMinutes"],
    );
  }
  if (def.name === "CampaignMember" && operation === "create") {
    const person = record.LeadId ?? record.ContactId;
    if (typeof person !== "string") {
      return error("REQUIRED_FIELD_MISSING", "Required fields are missing: [LeadId, ContactId]", [
        "LeadId",
        "ContactId",
      ]);
    }
    const duplicate = store
      .membersOf(person)
      .map((id) => store.get(id, "CampaignMember"))
      .some((m) => m && !m.IsDeleted && m.CampaignId === record.CampaignId);
    if (duplicate) return error("DUPLICATE_VALUE", "Already a campaign member.");
  }
  return undefined;
}
