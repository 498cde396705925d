import { z } from "zod";

export const hubspotIntegrationSchema = z.object({
  vendor: z.literal("hubspot"),
  /** https://api.hubapi.com, or the sandbox's http://127.0.0.1:4010/hubspot */
  basePath: z.url().default("https://api.hubapi.com"),
  auth: z.discriminatedUnion("type", [
    z.object({ type: z.literal("private_app"), accessToken: z.string().min(1) }),
    z.object({
      type: z.literal("oauth"),
      clientId: z.string().min(1),
      clientSecret: z.string().min(1),
      refreshToken: z.string().min(1),
    }),
  ]),
  /** Client secret of the HubSpot app, for webhook signature v3. */
  webhookSecret: z.string().min(1).optional(),
  /** Burst limit of the account's tier (requests per 10 s): 100 Free/Starter, 190 Pro/Enterprise. */
  burstLimitPer10s: z.number().int().positive().default(100),
  dailyLimit: z.number().int().positive().default(250_000),
  /** HubSpot has no standard do-not-call field: the contact property that means it. */
  doNotCall: z
    .object({
      property: z.string().default("telesync_do_not_call"),
      /** The value that means "do not call" (for enumeration properties); booleans use "true". */
      value: z.string().default("true"),
    })
    .prefault({}),
  /** The call property that stores telesync's outcomeId, for idempotent retries. */
  outcomeIdProperty: z.string().default("telesync_outcome_id"),
  writeback: z
    .object({
      /** agent id or email → HubSpot owner id. */
      agentOwners: z.record(z.string(), z.string()).default({}),
      title: z.string().default("Call: {disposition}"),
    })
    .prefault({}),
});
export type HubspotIntegration = z.infer<typeof hubspotIntegrationSchema>;

export const hubspotSelectSchema = z.union([
  z.object({ listId: z.string().min(1) }),
  z.object({
    search: z.object({
      filterGroups: z
        .array(
          z.object({
            filters: z.array(
              z.object({
                propertyName: z.string(),
                operator: z.string(),
                value: z.string().optional(),
                values: z.array(z.string()).optional(),
              }),
            ),
          }),
        )
        .max(5),
    }),
  }),
  z.object({ allContacts: z.literal(true) }),
]);
export type HubspotSelect = z.infer<typeof hubspotSelectSchema>;
