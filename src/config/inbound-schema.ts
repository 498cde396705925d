import { z } from "zod";
import { durationSchema } from "./duration.js";

/** A CRM field / property API name: the connector puts it into a request path or body as is. */
const crmNameSchema = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]{0,79}$/, "expected a CRM field API name (letters, digits and _)");

/** What an inbound call offers a new lead's fields. `callerName` is the name the agent typed, if any. */
export const callFieldNames = ["phone", "callerName", "callerFirstName", "callerLastName"] as const;
export type CallFieldName = (typeof callFieldNames)[number];

/** One field of the created lead: a call field (with a value for when the call has none) or a constant. */
export const createLeadFieldSchema = z.union([
  z.strictObject({
    from: z.enum(callFieldNames),
    /** Written when the call has no value (e.g. Salesforce's required LastName when no name was given). */
    default: z.string().min(1).max(255).optional(),
  }),
  z.strictObject({ value: z.string().max(255) }),
]);
export type CreateLeadField = z.infer<typeof createLeadFieldSchema>;

/**
 * `inbound.createLead`: where a caller no record matched becomes a new lead. `idField` is a unique
 * field the admin creates (Salesforce: an External ID text field; HubSpot: a unique-value property)
 * holding telesync's id for the record, derived from the outcomeId: writes are upserts on it, so a
 * call creates its lead once however often it is retried.
 */
export const createLeadSchema = z.strictObject({
  integration: z.string().min(1),
  /** Salesforce `Lead`, HubSpot `contacts`. */
  object: crmNameSchema,
  idField: crmNameSchema,
  /** The campaign name the call activity's subject names (`{campaign}`); default `inbound`. */
  campaign: z
    .string()
    .regex(/^[a-zA-Z][a-zA-Z0-9_-]{0,63}$/, "expected letters, digits, - and _, starting with a letter")
    .default("inbound"),
  /** CRM field → where its value comes from; one of them must take the caller's `phone`. */
  fields: z
    .record(crmNameSchema, createLeadFieldSchema)
    .refine((fields) => Object.values(fields).some((f) => "from" in f && f.from === "phone"), {
      message: "no field takes { from: phone }: the new lead needs the caller's number",
    }),
});
export type CreateLeadConfig = z.infer<typeof createLeadSchema>;

/** `inbound`: how a caller's number is attributed to one lead (`POST /v1/calls`). */
export const inboundSchema = z
  .strictObject({
    /** A lead leased for the number within this long is the one the caller calls back. */
    attributionWindow: durationSchema.default(7 * 86_400_000),
    /**
     * No lead was leased for the number within the window and it is not the one known lead carrying
     * it: `ask` answers 409 with the candidates (404 when none) for the agent to pick, `newest` takes
     * the most recently modified record, `create-lead` creates a lead per `createLead` when no record
     * carries the number (several: as `ask`).
     */
    policy: z.enum(["ask", "newest", "create-lead"]).default("ask"),
    createLead: createLeadSchema.optional(),
  })
  .superRefine((inbound, ctx) => {
    if (inbound.policy === "create-lead" && !inbound.createLead)
      ctx.addIssue({
        code: "custom",
        // On the policy's line: the block that is missing has none.
        path: ["policy"],
        message: "policy create-lead needs inbound.createLead: { integration, object, idField, fields }",
      });
    if (inbound.policy !== "create-lead" && inbound.createLead)
      ctx.addIssue({
        code: "custom",
        path: ["policy"],
        message: "createLead is set but unused: set policy: create-lead, or remove createLead",
      });
  })
  .prefault({});
