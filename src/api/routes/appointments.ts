import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { type AppointmentJob, appointmentChangeKey, parseLeadKey } from "../../writeback/jobs.js";
import type { Receipt } from "../../writeback/receipts.js";
import { appointmentIdOf } from "../../writeback/to-activity.js";
import { mayReadReceipt, type Principal } from "../auth.js";
import type { ApiDependencies } from "../dependencies.js";
import { ApiError } from "../errors.js";

const appointmentParams = z.strictObject({
  appointmentId: z
    .string()
    .min(1)
    .max(250)
    .describe("telesync's appointment id, `<outcomeId>#appointment` (URL-encoded: %23)"),
});
const changeParams = appointmentParams.extend({ changeId: z.string().min(1).max(200) });
const changeId = z
  .string()
  .min(1)
  .max(200)
  .describe("the dialer's id for this change: the same changeId again is the same change");

/** `PATCH /v1/appointments/{id}`: a new time (both start and length: the CRM stores start and end). */
export const rescheduleBodySchema = z.strictObject({
  changeId,
  startsAt: z.iso.datetime({ offset: true }).describe("ISO 8601 with an offset; stored in UTC"),
  durationMin: z.number().int().min(1).max(1_440),
  title: z.string().min(1).max(255).optional(),
  notes: z.string().max(32_000).optional(),
  location: z.string().max(255).optional(),
});

export const cancelBodySchema = z.strictObject({ changeId });

const notFound = () =>
  new ApiError(404, "appointment_not_found", "no appointment with this id was set by an outcome of this key");

/**
 * Reschedule and cancel appointments by id, through the same writeback as outcomes (202 once the
 * change is durably queued); each change has a receipt. The appointment is found through its
 * outcome's receipt, so only the key that posted the outcome (or admin / receipts-read-all keys)
 * may change it; others get the 404 an unknown id gets.
 */
export function registerAppointmentRoutes(app: FastifyInstance, deps: ApiDependencies): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { receipts, intake } = deps;
  const dialer = { scope: "dialer" as const };

  /** The Event / meeting of an appointment, from its outcome's receipt. */
  async function appointmentRecord(principal: Principal | undefined, appointmentId: string) {
    const suffix = appointmentIdOf("");
    if (!appointmentId.endsWith(suffix)) throw notFound();
    const receipt = await receipts.read(appointmentId.slice(0, -suffix.length));
    if (!receipt || !principal || !mayReadReceipt(principal, receipt.postedBy)) throw notFound();
    const record = receipt.records?.find((r) => r.role === "appointment");
    const lead = receipt.leadKey ? parseLeadKey(receipt.leadKey) : undefined;
    if (!record || !lead) {
      if (receipt.state === "written") throw notFound();
      throw new ApiError(
        409,
        "appointment_not_written",
        `the outcome that sets this appointment is ${receipt.state}, not yet written to the CRM; change it once its receipt is written`,
      );
    }
    return { record, lead };
  }

  async function queueChange(
    principal: Principal | undefined,
    appointmentId: string,
    id: string,
    change: AppointmentJob["change"],
  ) {
    const { record, lead } = await appointmentRecord(principal, appointmentId);
    const key = appointmentChangeKey(appointmentId, id);
    await intake.enqueue({
      kind: "appointment",
      id: key,
      appointmentId,
      lead,
      record: { objectType: record.objectType, crmId: record.id },
      change,
    });
    if (principal) await receipts.postedBy(key, principal.keyName);
    return { accepted: true, appointmentId, changeId: id };
  }

  api.patch(
    "/v1/appointments/:appointmentId",
    { schema: { params: appointmentParams, body: rescheduleBodySchema }, config: dialer },
    async (request, reply) => {
      const { changeId: id, startsAt, durationMin, title, notes, location } = request.body;
      const starts = Date.parse(startsAt);
      const accepted = await queueChange(request.principal, request.params.appointmentId, id, {
        action: "reschedule",
        startsAt: new Date(starts).toISOString(),
        endsAt: new Date(starts + durationMin * 60_000).toISOString(),
        ...(title !== undefined ? { title } : {}),
        ...(notes !== undefined ? { notes } : {}),
        ...(location !== undefined ? { location } : {}),
      });
      return reply.code(202).send(accepted);
    },
  );

  api.post(
    "/v1/appointments/:appointmentId/cancel",
    { schema: { params: appointmentParams, body: cancelBodySchema }, config: dialer },
    async (request, reply) => {
      const accepted = await queueChange(
        request.principal,
        request.params.appointmentId,
        request.body.changeId,
        {
          action: "cancel",
        },
      );
      return reply.code(202).send(accepted);
    },
  );

  api.get(
    "/v1/appointments/:appointmentId/changes/:changeId",
    { schema: { params: changeParams }, config: { scope: ["dialer", "receipts-read-all"] } },
    async (request) => {
      const { appointmentId, changeId: id } = request.params;
      const receipt = await receipts.read(appointmentChangeKey(appointmentId, id));
      if (!receipt || !request.principal || !mayReadReceipt(request.principal, receipt.postedBy))
        throw new ApiError(
          404,
          "change_not_found",
          "no change with this id was accepted for this appointment",
        );
      const { outcomeId: _internal, ...rest }: Receipt = receipt;
      return { appointmentId, changeId: id, ...rest };
    },
  );
}
