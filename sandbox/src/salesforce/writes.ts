import type { IdGenerator } from "./ids.js";
import { toId18 } from "./ids.js";
import {
  checkFields,
  checkObjectRules,
  checkReferences,
  crossReferenceError,
  missingRequired,
  type Operation,
  type SaveError,
} from "./record-check.js";
import { type ObjectDef, objectDef, objectOfId, type SfRecord, type SfValue } from "./schema.js";
import type { SalesforceStore } from "./store.js";
import { recordView } from "./values.js";

/** One entry of an sObject Collections response, in input order. */
export interface SaveResult {
  id?: string;
  success: boolean;
  errors: SaveError[];
}

/** A test's stand-in for a validation rule: reject records it matches with this error. */
export interface RejectionRule {
  readonly predicate: (
    record: Readonly<Record<string, SfValue>>,
    info: { type: string; operation: Operation },
  ) => boolean;
  readonly error: SaveError;
}

export interface WriteContext {
  readonly store: SalesforceStore;
  readonly ids: IdGenerator;
  readonly now: () => number;
  readonly userId: string;
  readonly rules: readonly RejectionRule[];
  /** An injected `unable-to-lock` fault: every record of this request fails to lock. */
  readonly locked?: boolean;
}

const failure = (errors: SaveError[], id?: string): SaveResult => ({
  ...(id ? { id } : {}),
  success: false,
  errors,
});

function lockError(id?: string): SaveError {
  return {
    statusCode: "UNABLE_TO_LOCK_ROW",
    message: `unable to obtain exclusive access to this record${id ? ` or 1 records: ${id}` : ""}`,
    fields: [],
  };
}

function finish(
  ctx: WriteContext,
  def: ObjectDef,
  record: SfRecord,
  operation: Operation,
): SaveError | undefined {
  if (ctx.locked) return lockError(operation === "update" ? String(record.Id) : undefined);
  const view = recordView(def, record);
  const rule = ctx.rules.find((r) => r.predicate(view, { type: def.name, operation }));
  return rule?.error;
}

function derived(def: ObjectDef, record: Record<string, SfValue>): SfRecord {
  return def.derive ? { ...record, ...def.derive(record) } : record;
}

export function createOne(ctx: WriteContext, input: Record<string, unknown>, type?: string): SaveResult {
  const typeName = type ?? (input.attributes as { type?: unknown } | undefined)?.type;
  const def = typeof typeName === "string" ? objectDef(typeName) : undefined;
  if (!def) {
    return failure([
      {
        statusCode: "INVALID_TYPE",
        message: `sObject type '${String(typeName)}' is not supported.`,
        fields: [],
      },
    ]);
  }
  const values = checkFields(def, input, "create");
  if (Array.isArray(values)) return failure(values);
  const now = ctx.now();
  const draft: Record<string, SfValue> = {};
  for (const field of def.fields) {
    if (field.defaultValue !== undefined) draft[field.name] = field.defaultValue;
  }
  if (def.byName.has("ownerid")) draft.OwnerId = ctx.userId;
  Object.assign(draft, values, {
    IsDeleted: false,
    CreatedDate: now,
    CreatedById: ctx.userId,
    LastModifiedDate: now,
    LastModifiedById: ctx.userId,
    SystemModstamp: now,
  });
  const problem =
    missingRequired(def, draft) ??
    checkReferences(ctx.store, def, { ...values, OwnerId: draft.OwnerId ?? null }) ??
    checkObjectRules(ctx.store, def, draft, "create");
  if (problem) return failure([problem]);
  let record = derived(def, { Id: ctx.ids.next(def.keyPrefix), ...draft });
  const rejected = finish(ctx, def, record, "create");
  if (rejected) return failure([rejected]);
  const personContact = def.name === "Account" && record.IsPersonAccount === true;
  if (personContact) record = { ...record, PersonContactId: ctx.ids.next("003") };
  ctx.store.insert(def.name, record);
  if (personContact) insertPersonContact(ctx, record);
  return { id: String(record.Id), success: true, errors: [] };
}

/**
 * A person account's Contact row (PersonContactId): Salesforce creates it with the account and keeps
 * the person's name and numbers on both; activities name it as WhoId.
 */
function insertPersonContact(ctx: WriteContext, account: SfRecord): void {
  const at = Number(account.CreatedDate);
  ctx.store.insert("Contact", {
    Id: String(account.PersonContactId),
    AccountId: String(account.Id),
    FirstName: account.FirstName ?? null,
    LastName: account.LastName ?? null,
    Name: account.Name ?? null,
    Phone: account.Phone ?? null,
    MobilePhone: account.PersonMobilePhone ?? null,
    HomePhone: account.PersonHomePhone ?? null,
    Email: account.PersonEmail ?? null,
    MailingState: account.PersonMailingState ?? null,
    MailingCountry: account.PersonMailingCountry ?? null,
    DoNotCall: account.PersonDoNotCall ?? false,
    HasOptedOutOfEmail: false,
    OwnerId: account.OwnerId ?? ctx.userId,
    IsDeleted: false,
    CreatedDate: at,
    CreatedById: ctx.userId,
    LastModifiedDate: at,
    LastModifiedById: ctx.userId,
    SystemModstamp: at,
  });
}

/** Finds a live record for an update or delete, or the error Salesforce gives for that id. */
function target(
  ctx: WriteContext,
  rawId: unknown,
  type?: string,
): { def: ObjectDef; record: SfRecord } | SaveError {
  const id = typeof rawId === "string" ? toId18(rawId) : undefined;
  if (!id) {
    if (rawId === undefined || rawId === null) {
      return { statusCode: "MISSING_ARGUMENT", message: "Id not specified in an update call", fields: [] };
    }
    return { statusCode: "MALFORMED_ID", message: `malformed id ${String(rawId)}`, fields: [] };
  }
  const def = objectOfId(id);
  if (!def || (type !== undefined && def.name.toLowerCase() !== type.toLowerCase())) {
    return {
      statusCode: "MALFORMED_ID",
      message: `${type ?? "Record"} ID: id value of incorrect type: ${id}`,
      fields: ["Id"],
    };
  }
  const record = ctx.store.get(id, def.name);
  if (!record) return crossReferenceError();
  if (record.IsDeleted) return { statusCode: "ENTITY_IS_DELETED", message: "entity is deleted", fields: [] };
  return { def, record };
}

export function updateOne(ctx: WriteContext, input: Record<string, unknown>, type?: string): SaveResult {
  const rawId = input.id ?? input.Id;
  const typeName = type ?? (input.attributes as { type?: unknown } | undefined)?.type;
  const found = target(ctx, rawId, typeof typeName === "string" ? typeName : undefined);
  const id = typeof rawId === "string" ? rawId : undefined;
  if (!("def" in found)) return failure([found], id);
  const { def, record } = found;
  const values = checkFields(def, input, "update");
  if (Array.isArray(values)) return failure(values, String(record.Id));
  const now = ctx.now();
  const next = derived(def, {
    ...record,
    ...values,
    LastModifiedDate: now,
    LastModifiedById: ctx.userId,
    SystemModstamp: now,
  });
  const problem =
    missingRequired(def, next) ??
    checkReferences(ctx.store, def, values) ??
    checkObjectRules(ctx.store, def, next, "update");
  const rejected = problem ?? finish(ctx, def, next, "update");
  if (rejected) return failure([rejected], String(record.Id));
  ctx.store.replace(def.name, next);
  return { id: String(record.Id), success: true, errors: [] };
}

function softDelete(ctx: WriteContext, def: ObjectDef, record: SfRecord, now: number): void {
  ctx.store.replace(def.name, { ...record, IsDeleted: true, SystemModstamp: now });
  ctx.store.logDeletion(def.name, { id: String(record.Id), deletedDate: now });
}

/** Soft-deletes a record; deleting a Lead, Contact or Campaign also deletes its campaign memberships. */
export function deleteOne(ctx: WriteContext, rawId: unknown, type?: string): SaveResult {
  const found = target(ctx, rawId, type);
  if (!("def" in found)) return failure([found], typeof rawId === "string" ? rawId : undefined);
  const { def, record } = found;
  const id = String(record.Id);
  if (ctx.locked) return failure([lockError(id)], id);
  const now = ctx.now();
  softDelete(ctx, def, record, now);
  for (const memberId of ctx.store.membersOf(id)) {
    const member = ctx.store.get(memberId, "CampaignMember");
    if (member && !member.IsDeleted) softDelete(ctx, objectDef("CampaignMember")!, member, now);
  }
  return { id, success: true, errors: [] };
}

const ROLLED_BACK: SaveError = {
  statusCode: "ALL_OR_NONE_OPERATION_ROLLED_BACK",
  message: "Record rolled back because not all records were valid and the request was using AllOrNone header",
  fields: [],
};

/**
 * Applies `one` to every item. With allOrNone a single failure undoes the whole batch and every record
 * that had succeeded reports ALL_OR_NONE_OPERATION_ROLLED_BACK.
 */
export function saveAll<T>(
  ctx: WriteContext,
  items: readonly T[],
  allOrNone: boolean,
  one: (item: T) => SaveResult,
  keepIds: boolean,
): SaveResult[] {
  // Each record validates before it changes anything, so without allOrNone no undo is needed.
  if (!allOrNone) return items.map(one);
  let results: SaveResult[] = [];
  const ok = ctx.store.atomically(() => {
    results = items.map(one);
    return results.every((r) => r.success);
  });
  if (ok) return results;
  return results.map((r) => (r.success ? failure([ROLLED_BACK], keepIds ? r.id : undefined) : r));
}

/** One UpsertResult: a SaveResult that says whether the record was created. */
export type UpsertResult = SaveResult & { created?: boolean };

/**
 * Upsert by an External ID field (sObject Collections upsert): the live record whose `field` holds
 * the value is updated, none is created. A value named twice in one request fails both records
 * (DUPLICATE_EXTERNAL_ID), as Salesforce does.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_upsert.htm
 */
export function upsertAll(
  ctx: WriteContext,
  def: ObjectDef,
  field: string,
  records: readonly Record<string, unknown>[],
): UpsertResult[] {
  const values = records.map((r) => r[field]);
  return records.map((input, i): UpsertResult => {
    const value = values[i];
    if (typeof value !== "string" || value === "") {
      return failure([
        { statusCode: "MISSING_ARGUMENT", message: `${field} not specified`, fields: [field] },
      ]);
    }
    if (values.indexOf(value) !== i || values.lastIndexOf(value) !== i) {
      return failure([
        {
          statusCode: "DUPLICATE_EXTERNAL_ID",
          message: `Duplicate external id specified: ${value}`,
          fields: [field],
        },
      ]);
    }
    const { attributes: _attributes, ...fields } = input;
    const existing = ctx.store.rows(def.name).find((row) => !row.IsDeleted && row[field] === value);
    if (existing) return { ...updateOne(ctx, { ...fields, Id: existing.Id }, def.name), created: false };
    const created = createOne(ctx, fields, def.name);
    return created.success ? { ...created, created: true } : created;
  });
}
