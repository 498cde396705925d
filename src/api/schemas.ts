import { z } from "zod";
import { answerValueSchema, scriptSchema } from "../config/script-schema.js";
import { toE164 } from "../mapping/transforms.js";
import { leadSchema } from "../model/lead.js";

/** Dialer → telesync payloads. Strict: an unknown field is a 400, not silently ignored. */
export function outcomeBodySchema(dispositions: readonly string[]) {
  return z.strictObject({
    outcomeId: z.string().min(1).max(200),
    disposition: z.string().refine((d) => dispositions.includes(d), {
      message: `unknown disposition; expected one of ${dispositions.join(", ")}`,
    }),
    startedAt: z.iso.datetime({ offset: true }),
    durationSec: z.number().int().min(0).max(86_400),
    direction: z.enum(["outbound", "inbound"]).default("outbound"),
    agent: z.strictObject({ id: z.string().max(200).optional(), email: z.email().optional() }).optional(),
    /** Salesforce Task.Description holds 32k characters. */
    notes: z.string().max(32_000).optional(),
    recordingUrl: z.url({ protocol: /^https?$/ }).optional(),
    callbackAt: z.iso.datetime({ offset: true }).optional(),
    consent: z.strictObject({ phone: z.literal("revoked") }).optional(),
    /** Answers to the campaign's script by question id; checked against it (types, options, branching). */
    answers: z
      .record(z.string().max(64), answerValueSchema)
      .refine((answers) => Object.keys(answers).length <= 200, { message: "at most 200 answers" })
      .optional(),
    /** An appointment set on this call: one Salesforce Event / HubSpot meeting, written once. */
    appointment: z
      .strictObject({
        startsAt: z.iso.datetime({ offset: true }),
        durationMin: z.number().int().min(1).max(1_440),
        title: z.string().min(1).max(255),
        notes: z.string().max(32_000).optional(),
        owner: z.strictObject({ id: z.string().max(200).optional(), email: z.email().optional() }).optional(),
        location: z.string().max(255).optional(),
      })
      .optional(),
  });
}

export const phoneSchema = z.string().transform((value, ctx) => {
  const e164 = toE164(value, "US");
  if (!e164) {
    ctx.addIssue({ code: "custom", message: "not a valid phone number (use E.164, e.g. +14155550100)" });
    return z.NEVER;
  }
  return e164;
});

/** What an opt-in rests on (see `ConsentEvidence`). */
export const consentEvidenceSchema = z.strictObject({
  source: z.string().trim().min(1).max(300),
  who: z.string().trim().min(1).max(300),
  when: z.iso.datetime({ offset: true }),
  basis: z.string().trim().min(1).max(500),
});

/**
 * `POST /v1/consent`. An opt-in (admin keys only) names its `evidence`; it lifts a number on the
 * internal do-not-call list only with `overrideInternalDnc: true`.
 */
export const consentBodySchema = z
  .strictObject({
    phone: phoneSchema.optional(),
    leadKey: z.string().min(3).max(300).optional(),
    status: z.enum(["opted_out", "opted_in"]),
    source: z.enum(["agent", "crm", "inbound", "api"]).default("api"),
    evidence: consentEvidenceSchema.optional(),
    overrideInternalDnc: z.boolean().optional(),
  })
  .refine((body) => body.phone !== undefined || body.leadKey !== undefined, {
    message: "give phone or leadKey",
  })
  .refine((body) => body.status === "opted_in" || body.overrideInternalDnc === undefined, {
    message: "overrideInternalDnc only goes with an opt-in",
  });

/** A lease (200 of `POST /v1/campaigns/{campaign}/leases`). */
export const leaseBodySchema = z
  .object({
    leaseId: z.string(),
    expiresAt: z.string().describe("call under the lease until then (ISO 8601)"),
    notAfter: z.string().optional().describe("the lead's calling window closes then"),
    previewOnly: z.boolean().describe("dial in preview: the campaign's abandonment rate is at its threshold"),
    attempts: z.number().int(),
    lead: leadSchema,
    script: scriptSchema.optional().describe("the campaign's call script; outcomes may carry answers to it"),
  })
  .meta({ id: "Lease" });

export const campaignParams = z.strictObject({ campaign: z.string().min(1).max(64) });
export const leaseParams = z.strictObject({ leaseId: z.string().min(1).max(600) });
