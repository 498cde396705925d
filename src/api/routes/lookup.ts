import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { InvalidPhoneError, type PhoneLookup } from "../../lookup/phone-lookup.js";
import type { ApiDependencies } from "../dependencies.js";
import { ApiError, errorBodySchema } from "../errors.js";

const lookupQuery = z.strictObject({
  phone: z
    .string()
    .min(3)
    .max(40)
    .describe("the number in any common format, e.g. (415) 555-0100 or +14155550100"),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .optional()
    .describe(
      "ISO country for a number without a country code (default: the first mapping's defaultCountry)",
    ),
});

const lookupReply = z.object({
  phone: z.string().describe("the number, masked"),
  consent: z.object({
    suppressed: z.boolean(),
    source: z.string().optional(),
    at: z.string().optional(),
    reason: z.string().optional(),
  }),
  records: z.array(
    z.object({
      integration: z.string(),
      objectType: z.string(),
      id: z.string(),
      leadKey: z.string(),
      name: z.string().optional(),
      phoneField: z.string(),
      phone: z.string().describe("masked"),
      url: z.string().optional(),
      queued: z.array(z.object({ campaign: z.string(), state: z.string(), attempts: z.number() })),
    }),
  ),
  unavailable: z.array(z.object({ integration: z.string(), reason: z.string() })),
  cached: z.boolean(),
  recent: z
    .object({
      lastLease: z.object({ leadKey: z.string(), at: z.string() }).optional(),
      outcomes: z.array(
        z.object({
          outcomeId: z.string(),
          at: z.string(),
          state: z.enum(["accepted", "batched", "retrying", "written", "dead-lettered"]).optional(),
          leadKey: z.string().optional(),
          direction: z.string().optional(),
          campaign: z.string().optional(),
          disposition: z.string().optional(),
          records: z
            .array(
              z.object({
                role: z.string(),
                objectType: z.string(),
                id: z.string(),
                url: z.string().optional(),
                urlUnknown: z.string().optional(),
                fields: z.array(z.string()).optional(),
              }),
            )
            .optional(),
        }),
      ),
    })
    .describe(
      "telesync's last lease of the number and its latest outbound outcomes (newest first, at most 10)",
    ),
});

/**
 * Screen pop: `GET /v1/lookup?phone=…` → the CRM records carrying the number in every integration,
 * each with its CRM link and telesync's queue state, and the number's consent state. 400
 * `invalid_phone` for something that is not a phone number.
 */
export function registerLookupRoutes(app: FastifyInstance, deps: Pick<ApiDependencies, "lookup">): void {
  const lookup: Pick<PhoneLookup, "lookup"> | undefined = deps.lookup;
  if (!lookup) return;
  app.withTypeProvider<ZodTypeProvider>().get(
    "/v1/lookup",
    {
      schema: {
        tags: ["lookup"],
        querystring: lookupQuery,
        response: { 200: lookupReply, 400: errorBodySchema },
      },
    },
    async (request) => {
      try {
        return await lookup.lookup(request.query.phone, request.query.country);
      } catch (error) {
        if (error instanceof InvalidPhoneError) throw new ApiError(400, "invalid_phone", error.message);
        throw error;
      }
    },
  );
}
