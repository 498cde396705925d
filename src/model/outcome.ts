import { z } from "zod";

export const callDirectionSchema = z.enum(["outbound", "inbound"]);

/** A consent change: an opt-out takes effect for leasing at once, then reaches the CRM. */
export const consentChangeSchema = z.object({
  phone: z.string().optional(),
  leadKey: z.string().optional(),
  status: z.enum(["opted_out", "opted_in"]),
  channel: z.enum(["phone"]).default("phone"),
  source: z.enum(["agent", "crm", "inbound", "api"]),
  at: z.string(),
});
export type ConsentChange = z.infer<typeof consentChangeSchema>;

/** An appointment set on the call: becomes a Salesforce Event or a HubSpot meeting, once. */
export const appointmentSchema = z.object({
  /** ISO 8601 with an offset (the dialer's local time is fine: it is converted to UTC for the CRM). */
  startsAt: z.string(),
  durationMin: z.number().int().positive(),
  title: z.string(),
  notes: z.string().optional(),
  /** The agent who owns the appointment (default: the agent of the call), through the agent map. */
  owner: z.object({ id: z.string().optional(), email: z.string().optional() }).optional(),
  location: z.string().optional(),
});
export type Appointment = z.infer<typeof appointmentSchema>;

/** A call outcome reported by a dialer. `outcomeId` is the idempotency key, end to end. */
export const callOutcomeSchema = z.object({
  outcomeId: z.string(),
  leadKey: z.string(),
  campaign: z.string(),
  disposition: z.string(),
  startedAt: z.string(),
  durationSec: z.number().int().nonnegative(),
  direction: callDirectionSchema,
  agent: z.object({ id: z.string().optional(), email: z.string().optional() }).optional(),
  notes: z.string().optional(),
  recordingUrl: z.string().optional(),
  callbackAt: z.string().optional(),
  consentRevoked: z.boolean().optional(),
  /** Answers to the campaign's script, by question id (validated against it at the API). */
  answers: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  appointment: appointmentSchema.optional(),
});
export type CallOutcome = z.infer<typeof callOutcomeSchema>;
