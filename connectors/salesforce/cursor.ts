import { createHash } from "node:crypto";
import { z } from "zod";
import { type SalesforceSelect, sourceObjectSchema } from "./config.js";

/**
 * The checkpoint of a Salesforce source: everything needed to resume after a page. Streams are read in
 * `ORDER BY SystemModstamp, Id` order, so a position is the `(SystemModstamp, Id)` of the last record
 * handed out; ties on SystemModstamp across a page boundary are resolved by Id.
 */
const positionSchema = z.object({ modstamp: z.iso.datetime(), id: z.string() });

/** An `object` source: its records, then deletions, then records that no longer match `where`. */
export const objectCursorSchema = z.object({
  v: z.literal(1),
  kind: z.literal("object"),
  /** Fingerprint of the `select` block; a different one means the source was redefined. */
  select: z.string(),
  object: sourceObjectSchema,
  /** Last record handed out; `null` = from the beginning. */
  records: positionSchema.nullable(),
  /** Deletions are known up to here (Salesforce's `latestDateCovered`). */
  deletedSince: z.iso.datetime(),
  /** Records changed since here are checked against `NOT (where)`; `null` = check every record. */
  leaversSince: z.iso.datetime().nullable(),
  /**
   * Records handed out within the look-back window, by SystemModstamp: not handed out again when a
   * pull re-reads the window. Absent in cursors written before it.
   */
  recent: z.record(z.string(), z.array(z.string())).optional(),
});
export type ObjectCursor = z.infer<typeof objectCursorSchema>;

/** A `campaignId` source: member rows, edits to members' Leads and Contacts, then deleted members. */
export const campaignCursorSchema = z.object({
  v: z.literal(1),
  kind: z.literal("campaign"),
  select: z.string(),
  campaignId: z.string(),
  members: positionSchema.nullable(),
  leads: positionSchema,
  contacts: positionSchema,
  deletedSince: z.iso.datetime(),
  /** Per stream, rows handed out within the look-back window (see the object cursor's `recent`). */
  recent: z
    .object({
      members: z.record(z.string(), z.array(z.string())).optional(),
      leads: z.record(z.string(), z.array(z.string())).optional(),
      contacts: z.record(z.string(), z.array(z.string())).optional(),
    })
    .optional(),
});
export type CampaignCursor = z.infer<typeof campaignCursorSchema>;

export const salesforceCursorSchema = z.discriminatedUnion("kind", [
  objectCursorSchema,
  campaignCursorSchema,
]);
export type SalesforceCursor = z.infer<typeof salesforceCursorSchema>;

/** A stable fingerprint of what a source selects (not of the fields read). */
export function selectFingerprint(select: SalesforceSelect): string {
  const canonical =
    "object" in select
      ? {
          object: select.object,
          where: select.where?.trim() ?? "",
          // Only when set, so checkpoints written before the key existed stay valid.
          ...(select.accounts ? { accounts: select.accounts } : {}),
        }
      : {
          campaignId: select.campaignId,
          statuses: select.memberStatuses ? [...select.memberStatuses].sort() : null,
        };
  return createHash("sha256").update(JSON.stringify(canonical)).digest("hex").slice(0, 16);
}
