import { IANAZone } from "luxon";
import { z } from "zod";

/** A HubSpot integration (one portal/account) as declared in the config file. */
export const hubspotIntegrationSchema = z.strictObject({
  vendor: z.literal("hubspot"),
  /** https://api.hubapi.com, or the sandbox's http://127.0.0.1:4010/hubspot */
  basePath: z.url().default("https://api.hubapi.com"),
  auth: z.discriminatedUnion("type", [
    z.strictObject({ type: z.literal("private_app"), accessToken: z.string().min(1) }),
    z.strictObject({
      type: z.literal("oauth"),
      clientId: z.string().min(1),
      clientSecret: z.string().min(1),
      refreshToken: z.string().min(1),
    }),
  ]),
  /**
   * The account's Hub ID (portal id), for links to records in HubSpot's UI (receipts, screen-pop
   * lookup); without it records come back without a URL. `appUrl` is the UI host
   * (https://app-eu1.hubspot.com for EU accounts).
   */
  portalId: z
    .union([
      z.number().int().positive().transform(String),
      z.string().regex(/^\d+$/, "expected the numeric Hub ID"),
    ])
    .optional(),
  appUrl: z.url().default("https://app.hubspot.com"),
  /** Client secret of the HubSpot app, for webhook signature v3. */
  webhookSecret: z.string().min(1).optional(),
  /** Burst limit of the account's tier (requests per 10 s): 100 Free/Starter, 190 Pro/Enterprise. */
  burstLimitPer10s: z.number().int().positive().default(100),
  dailyLimit: z.number().int().positive().default(250_000),
  /**
   * Search requests per second for the whole account. HubSpot allows 5; raise it only against the
   * sandbox (tests and benchmarks).
   */
  searchRequestsPerSecond: z.number().int().positive().max(1_000).default(5),
  /** The account's time zone: a DAILY 429 pauses the integration until the next midnight there. */
  dailyResetTimeZone: z
    .string()
    .refine((zone) => IANAZone.isValidZone(zone), "expected an IANA time zone such as America/New_York")
    .default("UTC"),
  /**
   * A request without an answer after this long is abandoned (and treated as ambiguous: a create is
   * then looked up before it is sent again). Seconds, so an outage does not hold writes for minutes.
   */
  requestTimeoutMs: z.number().int().positive().default(10_000),
  /**
   * How long HubSpot's search index may lag a write (documented as a short delay, no figure given).
   * After an ambiguous create, a search that misses the call is trusted only once this long has
   * passed since the create was sent (plus `requestTimeoutMs`); incremental search pulls look back
   * at least this far.
   */
  searchIndexLagMs: z.number().int().nonnegative().default(60_000),
  /**
   * Incremental search pulls re-read records modified this long before the newest one seen (records
   * indexed late with an older lastmodifieddate are not skipped); records already pulled at the same
   * modified time are not emitted again. Raised to `searchIndexLagMs` when lower.
   */
  pullLookbackMs: z.number().int().nonnegative().default(300_000),
  /** HubSpot has no standard do-not-call field: the contact property that means it. */
  doNotCall: z
    .strictObject({
      property: z.string().default("telesync_do_not_call"),
      /** The value that means "do not call" (for enumeration properties); booleans use "true". */
      value: z.string().default("true"),
      /** Written when do-not-call is lifted; `""` clears the property (enumerations). */
      clearValue: z.string().default("false"),
    })
    .prefault({}),
  /** The call property that stores telesync's outcomeId, for idempotent retries. */
  outcomeIdProperty: z.string().default("telesync_outcome_id"),
  /** The meeting property that stores telesync's appointment id, so a retry finds the meeting. */
  appointmentIdProperty: z.string().default("telesync_appointment_id"),
  writeback: z
    .strictObject({
      /** agent id or email → HubSpot owner id. */
      agentOwners: z.record(z.string(), z.string()).default({}),
      /**
       * `hs_call_title`. `{disposition}` is the canonical disposition as words ("No answer"), never
       * the outcome GUID that goes into `hs_call_disposition`; `{campaign}` is the campaign id.
       */
      title: z.string().default("Call: {disposition}"),
    })
    .prefault({}),
});
export type HubspotIntegration = z.infer<typeof hubspotIntegrationSchema>;

/**
 * What a HubSpot source pulls: the members of a list, the contacts matching a search, or every
 * contact. Search filters follow HubSpot's search API (operators EQ, NEQ, GT, GTE, LT, LTE, IN,
 * NOT_IN, BETWEEN, HAS_PROPERTY, NOT_HAS_PROPERTY, CONTAINS_TOKEN, NOT_CONTAINS_TOKEN).
 */
export const hubspotSelectSchema = z.union([
  z.strictObject({
    /** An ILS list id (Lists v3); YAML may write it as a number. */
    listId: z.union([
      z.string().regex(/^\d+$/, "expected a numeric list id (ILS list id)"),
      z.number().int().positive().transform(String),
    ]),
  }),
  z.strictObject({
    search: z.strictObject({
      filterGroups: z
        .array(
          z.strictObject({
            filters: z.array(
              z.strictObject({
                propertyName: z.string().regex(/^[A-Za-z0-9_]+$/, "expected a property's internal name"),
                operator: z.enum([
                  "EQ",
                  "NEQ",
                  "LT",
                  "LTE",
                  "GT",
                  "GTE",
                  "BETWEEN",
                  "IN",
                  "NOT_IN",
                  "HAS_PROPERTY",
                  "NOT_HAS_PROPERTY",
                  "CONTAINS_TOKEN",
                  "NOT_CONTAINS_TOKEN",
                ]),
                value: z.string().optional(),
                highValue: z.string().optional(),
                values: z.array(z.string()).optional(),
              }),
            ),
          }),
        )
        .max(5),
      /**
       * Every this many incremental runs, re-run the search for ids only and remove the members
       * that no longer match (HubSpot cannot list leavers of a search). 0: never (only `--full`).
       */
      reconcileEveryRuns: z.number().int().nonnegative().optional(),
    }),
  }),
  z.strictObject({ allContacts: z.literal(true) }),
]);
export type HubspotSelect = z.infer<typeof hubspotSelectSchema>;
