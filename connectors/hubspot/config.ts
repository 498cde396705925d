import { z } from "zod";
import { IANAZone } from "./luxon.js";
import { hubspotSourceObjectSchema, isCustomObject } from "./objects.js";

/** A property that means "do not call": the property, the value that sets it, the value that lifts it. */
const doNotCallSchema = z.strictObject({
  property: z.string().default("telesync_do_not_call"),
  /** The value that means "do not call" (for enumeration properties); booleans use "true". */
  value: z.string().default("true"),
  /** Written when do-not-call is lifted; `""` clears the property (enumerations). */
  clearValue: z.string().default("false"),
});

const propertyName = z.string().regex(/^[A-Za-z0-9_]+$/, "expected a property's internal name");

/** What telesync must know of a company or custom object it pulls, beyond the mapping. */
export const hubspotObjectSettingsSchema = z.strictObject({
  /**
   * Properties holding the record's phone numbers, for the screen-pop lookup (`GET /v1/lookup`).
   * Companies default to `phone`; a custom object without any is not searched by phone.
   */
  phoneProperties: z.array(propertyName).max(5).optional(),
  /**
   * The property meaning "do not call" on this object (a checkbox an admin created). Left out: the
   * object has none, so opt-outs stay in telesync's own suppression list (`telesync check` warns).
   */
  doNotCall: doNotCallSchema.optional(),
});
export type HubspotObjectSettings = z.infer<typeof hubspotObjectSettingsSchema>;

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
  doNotCall: doNotCallSchema.prefault({}),
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
  /**
   * Companies and custom objects pulled as sources, keyed as the sources name them (`companies`, a
   * type id `2-3508482` or a fully qualified name `p7878787_donors`): their phone and do-not-call
   * properties. Contacts use `doNotCall` above and need no entry.
   */
  objects: z
    .record(z.string(), hubspotObjectSettingsSchema)
    .superRefine((objects, ctx) => {
      for (const name of Object.keys(objects)) {
        if (name === "companies" || isCustomObject(name)) continue;
        ctx.addIssue({
          code: "custom",
          path: [name],
          message: `expected companies or a custom object's type id (2-3508482) or fully qualified name (p7878787_donors), found "${name}" (contacts need no entry: they use doNotCall)`,
        });
      }
    })
    .default({}),
});
export type HubspotIntegration = z.infer<typeof hubspotIntegrationSchema>;

/**
 * What a HubSpot source pulls: the members of a list, the records matching a search, or every
 * record, of `object` (contacts, companies or a custom object; contacts by default). Search filters follow HubSpot's search API (operators EQ, NEQ, GT, GTE, LT, LTE, IN,
 * NOT_IN, BETWEEN, HAS_PROPERTY, NOT_HAS_PROPERTY, CONTAINS_TOKEN, NOT_CONTAINS_TOKEN).
 */
/** The object a source pulls; contacts when left out. */
const sourceObject = { object: hubspotSourceObjectSchema.optional() };

export const hubspotSelectSchema = z.union([
  z.strictObject({
    ...sourceObject,
    /** An ILS list id (Lists v3); YAML may write it as a number. */
    listId: z.union([
      z.string().regex(/^\d+$/, "expected a numeric list id (ILS list id)"),
      z.number().int().positive().transform(String),
    ]),
  }),
  z.strictObject({
    ...sourceObject,
    search: z.strictObject({
      filterGroups: z
        .array(
          z.strictObject({
            filters: z.array(
              z.strictObject({
                propertyName,
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
  /** Every record of the object (a full pass per pull, like `allContacts`). */
  z.strictObject({ object: hubspotSourceObjectSchema, allRecords: z.literal(true) }),
]);

/** The object a parsed select pulls. */
export function selectObject(select: HubspotSelect): string {
  return "object" in select && select.object !== undefined ? select.object : "contacts";
}
export type HubspotSelect = z.infer<typeof hubspotSelectSchema>;
