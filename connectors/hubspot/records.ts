import { z } from "zod";
import type { CrmRecord } from "../types.js";
import { systemProperties } from "./objects.js";

/** A CRM object as the SDK hands it back (dates already turned into `Date`s). */
export const sdkObjectSchema = z.object({
  id: z.string().min(1),
  properties: z.record(z.string(), z.string().nullable().optional()),
  updatedAt: z.date().optional(),
  archived: z.boolean().optional(),
  archivedAt: z.date().optional(),
  objectWriteTraceId: z.string().optional(),
});
export type SdkObject = z.infer<typeof sdkObjectSchema>;

export const pagingSchema = z.object({ next: z.object({ after: z.string() }).optional() }).optional();

/** A page of `GET /crm/v3/objects/{objectType}`. */
export const objectPageSchema = z.object({ results: z.array(sdkObjectSchema), paging: pagingSchema });

/** A batch read/update answer: 200 `{results}` or 207 `{results, errors}`. */
export const batchResultSchema = z.object({
  results: z.array(sdkObjectSchema),
  errors: z
    .array(
      z.object({
        status: z.string().optional(),
        category: z.string().optional(),
        message: z.string().optional(),
        context: z.record(z.string(), z.array(z.string())).optional(),
      }),
    )
    .optional(),
});
export type BatchResult = z.infer<typeof batchResultSchema>;

/** HubSpot ids are numeric strings: compare them as numbers (any other string sorts after, as text). */
export function compareIds(a: string, b: string): number {
  const numeric = /^\d+$/;
  if (numeric.test(a) && numeric.test(b)) {
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Properties to ask for: what the mappings read plus what paging and merges need. */
export function recordProperties(fields: readonly string[], objectType = "contacts"): string[] {
  return [...new Set([...fields, ...systemProperties(objectType)])];
}

/**
 * `lastmodifieddate` (contacts) or `hs_lastmodifieddate` (every other object), ISO or epoch ms, in
 * epoch ms; `updatedAt` otherwise.
 */
export function modifiedMs(object: SdkObject): number {
  const raw = object.properties.lastmodifieddate ?? object.properties.hs_lastmodifieddate;
  if (raw) {
    const ms = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
    if (Number.isFinite(ms)) return ms;
  }
  return object.updatedAt?.getTime() ?? 0;
}

/**
 * Ids merged into this contact or company (`hs_merged_object_ids`, `;`-separated). A merge keeps the survivor,
 * whose lead stays; the merged-away ids leave the queue.
 */
export function mergedAwayIds(object: SdkObject): string[] {
  const raw = object.properties.hs_merged_object_ids ?? "";
  return raw
    .split(";")
    .map((id) => id.trim())
    .filter((id) => id !== "" && id !== object.id);
}

export function toCrmRecord(object: SdkObject, objectType = "contacts"): CrmRecord {
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(object.properties)) fields[name] = value ?? null;
  return {
    objectType,
    id: object.id,
    modifiedAt: new Date(modifiedMs(object)).toISOString(),
    fields,
    sourceRef: object.id,
  };
}

/** Records of a page and the ids their merges removed. */
export function toPage(
  objects: readonly SdkObject[],
  objectType = "contacts",
): { records: CrmRecord[]; removedRefs: string[] } {
  return {
    records: objects.map((object) => toCrmRecord(object, objectType)),
    removedRefs: [...new Set(objects.flatMap(mergedAwayIds))],
  };
}
