import { z } from "zod";
import { type SandboxReply, validationError } from "./errors.js";
import type { ObjectType } from "./properties.js";
import type { HubspotStore, StoredObject } from "./store.js";

/** Thrown inside a route to answer with `reply` (a 400, a 404…). */
export class ReplyError extends Error {
  constructor(readonly reply: SandboxReply) {
    super(`sandbox reply ${reply.status}`);
  }
}

/** Parse an inbound request part, or answer 400 VALIDATION_ERROR as HubSpot does. */
export function parseOr400<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new ReplyError(
      validationError(`Invalid input JSON: ${z.prettifyError(parsed.error).replaceAll("\n", " ")}`),
    );
  }
  return parsed.data;
}

export function objectTypeOr404(store: HubspotStore, type: string): ObjectType {
  const resolved = store.resolveType(type);
  if (!resolved) throw new ReplyError(validationError(`Unable to infer object type from: ${type}`));
  return resolved;
}

/** `properties` query values: repeated and/or comma-separated. */
export const propertyListSchema = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((value) =>
    value === undefined
      ? undefined
      : (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(",")).filter((v) => v !== ""),
  );

/** Property values as HubSpot accepts them on writes; numbers and booleans are taken as strings. */
export const propertyValuesSchema = z.record(
  z.string(),
  z.union([z.string(), z.number(), z.boolean(), z.null()]).transform((v) => (v === null ? "" : String(v))),
);

const alwaysReturned: Record<ObjectType, string[]> = {
  contacts: ["createdate", "hs_object_id", "lastmodifieddate"],
  companies: ["createdate", "hs_lastmodifieddate", "hs_object_id"],
  donors: ["hs_createdate", "hs_lastmodifieddate", "hs_object_id"],
  calls: ["hs_createdate", "hs_lastmodifieddate", "hs_object_id"],
  notes: ["hs_createdate", "hs_lastmodifieddate", "hs_object_id"],
  meetings: ["hs_createdate", "hs_lastmodifieddate", "hs_object_id"],
};
const returnedByDefault: Record<ObjectType, string[]> = {
  contacts: ["email", "firstname", "lastname"],
  companies: ["domain", "name"],
  donors: [],
  calls: ["hs_timestamp"],
  notes: ["hs_timestamp"],
  meetings: ["hs_timestamp", "hs_meeting_title"],
};

function value(object: StoredObject, name: string): string | null {
  if (name === "hs_createdate") return object.properties.createdate ?? null;
  return object.properties[name] ?? null;
}

/**
 * A record on the wire (`SimplePublicObject`): the asked-for properties (null when empty) plus the
 * ones HubSpot always returns; `all` returns every property (batch create/update answers).
 */
export function serialize(
  object: StoredObject,
  properties?: readonly string[] | "all",
): Record<string, unknown> {
  const names =
    properties === "all"
      ? Object.keys(object.properties)
      : [
          ...(properties && properties.length > 0 ? properties : returnedByDefault[object.type]),
          ...alwaysReturned[object.type],
        ];
  const wire: Record<string, unknown> = {
    id: object.id,
    properties: Object.fromEntries(names.map((name) => [name, value(object, name)])),
    createdAt: new Date(object.createdAt).toISOString(),
    updatedAt: new Date(object.updatedAt).toISOString(),
    archived: object.archivedAt !== undefined,
  };
  if (object.archivedAt !== undefined) wire.archivedAt = new Date(object.archivedAt).toISOString();
  if (object.objectWriteTraceId !== undefined) wire.objectWriteTraceId = object.objectWriteTraceId;
  return wire;
}

/** Batch answers: 200/201 `{status, results, startedAt, completedAt}`, or 207 with `errors` and `numErrors`. */
export function batchReply(
  okStatus: 200 | 201,
  results: unknown[],
  errors: object[],
  startedAt: number,
): SandboxReply {
  const body: Record<string, unknown> = {
    status: "COMPLETE",
    results,
    startedAt: new Date(startedAt).toISOString(),
    completedAt: new Date().toISOString(),
  };
  if (errors.length > 0) {
    body.errors = errors;
    body.numErrors = errors.length;
  }
  return { status: errors.length > 0 ? 207 : okStatus, body };
}
