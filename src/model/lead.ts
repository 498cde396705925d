import { z } from "zod";

/** A value a mapping may copy into `Lead.extra`: scalars only, so job payloads stay small and flat. */
export const extraValueSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/**
 * The canonical lead: what every stage after the connector sees, whatever the CRM.
 * `key` is stable across syncs: `<integration>/<objectType>/<crmId>`.
 */
export const leadSchema = z.object({
  key: z.string(),
  integration: z.string(),
  objectType: z.string(),
  crmId: z.string(),
  /** E.164, e.g. +14155550100. */
  phone: z.string().regex(/^\+[1-9]\d{6,14}$/),
  altPhones: z.array(z.string()).optional(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  company: z.string().optional(),
  email: z.string().optional(),
  title: z.string().optional(),
  /** IANA zone when the CRM holds one; otherwise resolved from phone and address by compliance. */
  timeZone: z.string().optional(),
  /** ISO 3166-1 alpha-2. */
  country: z.string().optional(),
  /** State or province code, e.g. FL, ON. */
  region: z.string().optional(),
  postalCode: z.string().optional(),
  ownerId: z.string().optional(),
  doNotCall: z.boolean(),
  /** Source context: the CRM membership the lead came through (e.g. a Salesforce CampaignMember). */
  membership: z.object({ id: z.string(), status: z.string().optional() }).optional(),
  extra: z.record(z.string(), extraValueSchema),
  /** The CRM's last-modified time of the record, ISO 8601. */
  modifiedAt: z.string(),
});
export type Lead = z.infer<typeof leadSchema>;

/** Canonical lead fields a mapping may write to (besides `extra.<name>`). */
export const mappableLeadFields = [
  "phone",
  "altPhones",
  "firstName",
  "lastName",
  "company",
  "email",
  "title",
  "timeZone",
  "country",
  "region",
  "postalCode",
  "ownerId",
  "doNotCall",
] as const;
export type MappableLeadField = (typeof mappableLeadFields)[number];

export function leadKey(integration: string, objectType: string, crmId: string): string {
  return `${integration}/${objectType}/${crmId}`;
}
