import { z } from "zod";
import { toE164 } from "../mapping/transforms.js";

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

const phoneSchema = z.string().transform((value, ctx) => {
  const e164 = toE164(value, "US");
  if (!e164) {
    ctx.addIssue({ code: "custom", message: "not a valid phone number (use E.164, e.g. +14155550100)" });
    return z.NEVER;
  }
  return e164;
});

export const consentBodySchema = z
  .strictObject({
    phone: phoneSchema.optional(),
    leadKey: z.string().min(3).max(300).optional(),
    status: z.enum(["opted_out", "opted_in"]),
    source: z.enum(["agent", "crm", "inbound", "api"]).default("api"),
  })
  .refine((body) => body.phone !== undefined || body.leadKey !== undefined, {
    message: "give phone or leadKey",
  });

export const campaignParams = z.strictObject({ campaign: z.string().min(1).max(64) });
export const leaseParams = z.strictObject({ leaseId: z.string().min(1).max(600) });
