import { z } from "zod";

/** Salesforce objects whose records are people activities name by WhoId (and campaigns can hold). */
export const salesforceLeadObjects = ["Lead", "Contact"] as const;
/** Standard objects a source may pull; custom objects (`*__c`) too. Names are never interpolated unchecked. */
export const salesforceStandardSourceObjects = ["Lead", "Contact", "Account"] as const;
/** A custom object's API name: letters, digits and single underscores, then `__c`. */
export const customObjectPattern = /^[A-Za-z](?:[A-Za-z0-9]|_(?!_))*__c$/;
const plainFieldName = /^[A-Za-z][A-Za-z0-9_]*$/;

/** An object a source may pull: Lead, Contact, Account or a custom object. */
export const sourceObjectSchema = z
  .string()
  .refine(
    (name) =>
      (salesforceStandardSourceObjects as readonly string[]).includes(name) || customObjectPattern.test(name),
    "expected Lead, Contact, Account or a custom object's API name like Donor__c",
  );

/** What telesync must know of an Account or custom object it pulls, beyond the mapping. */
export const salesforceObjectSettingsSchema = z.strictObject({
  /**
   * The checkbox meaning "do not call" on this object (a custom field an admin created, e.g.
   * Do_Not_Call__c): opt-outs are written to it and read from it. Left out: the object has none, so
   * opt-outs stay in telesync's own suppression list (`telesync check` warns).
   */
  doNotCallField: z
    .string()
    .regex(plainFieldName, "expected a field's API name like Do_Not_Call__c")
    .optional(),
});
export type SalesforceObjectSettings = z.infer<typeof salesforceObjectSettingsSchema>;

export const salesforceIntegrationSchema = z.strictObject({
  vendor: z.literal("salesforce"),
  /** e.g. https://acme.my.salesforce.com, or the sandbox's http://127.0.0.1:4010 */
  instanceUrl: z.url(),
  /** OAuth host: https://login.salesforce.com, https://test.salesforce.com or the instance itself. */
  loginUrl: z.url().default("https://login.salesforce.com"),
  /** Set explicitly: jsforce defaults to 50.0. */
  apiVersion: z
    .string()
    .regex(/^\d{2,3}\.0$/, 'expected an API version like "62.0"')
    .default("62.0"),
  auth: z.discriminatedUnion("type", [
    z.strictObject({
      type: z.literal("refresh_token"),
      clientId: z.string().min(1),
      clientSecret: z.string().min(1),
      refreshToken: z.string().min(1),
      accessToken: z.string().min(1).optional(),
    }),
    z.strictObject({
      type: z.literal("client_credentials"),
      clientId: z.string().min(1),
      clientSecret: z.string().min(1),
    }),
  ]),
  /**
   * Longest wait for one response to a write, token or describe request: seconds, so a CRM outage
   * does not hold writes for minutes. A write that times out is ambiguous and its retry looks the
   * Task up by CallObject first.
   */
  requestTimeoutMs: z.number().int().positive().default(15_000),
  /** Longest wait for one SOQL query page (Salesforce ends a query at 120 s with QUERY_TIMEOUT). */
  queryTimeoutMs: z.number().int().positive().default(125_000),
  /**
   * Incremental pulls re-read records whose SystemModstamp is this much older than the cursor (a
   * transaction that committed late carries an earlier stamp); records already pulled with the same
   * stamp are not emitted again.
   */
  pullLookbackMs: z.number().int().nonnegative().default(300_000),
  /**
   * Screen-pop searches (SOSL) per second telesync allows itself on this org. Salesforce documents no
   * per-second REST limit, but each search spends the daily API quota the writeback needs.
   */
  searchRequestsPerSecond: z.number().int().positive().max(1_000).default(20),
  /** How outcomes become Tasks. */
  writeback: z
    .strictObject({
      taskStatus: z.string().default("Completed"),
      /** `{disposition}` and `{campaign}` are replaced. */
      subject: z.string().default("Call: {disposition}"),
      /** agent id or email → Salesforce User id, for Task.OwnerId. */
      agentUsers: z.record(z.string(), z.string()).default({}),
      /**
       * Custom text field on Event (unique, external id recommended) holding telesync's appointment
       * id, so a retried write finds the Event it already created. An admin creates it.
       */
      appointmentIdField: z
        .string()
        .regex(/^[A-Za-z][A-Za-z0-9_]*__c$/, "expected a custom field name like Telesync_Appointment_Id__c")
        .default("Telesync_Appointment_Id__c"),
    })
    .prefault({}),
  /**
   * Real-time changes. `changeDataCapture`: follow Change Data Capture events (Streaming API) for the
   * sources' objects, so opt-outs, deletions and edits in Salesforce reach the queues within seconds;
   * the scheduled pulls stay as the fallback. The org must publish the objects (Setup → Change Data
   * Capture). Off by default.
   */
  realtime: z.strictObject({ changeDataCapture: z.boolean().default(false) }).prefault({}),
  /**
   * Accounts and custom objects pulled as sources, keyed by API name: their do-not-call field. Lead
   * and Contact use DoNotCall, person accounts PersonDoNotCall; these need no entry.
   */
  objects: z
    .record(z.string(), salesforceObjectSettingsSchema)
    .superRefine((objects, ctx) => {
      for (const name of Object.keys(objects)) {
        if (name === "Account" || customObjectPattern.test(name)) continue;
        ctx.addIssue({
          code: "custom",
          path: [name],
          message: `expected Account or a custom object's API name like Donor__c, found "${name}" (Lead and Contact need no entry: they use DoNotCall)`,
        });
      }
    })
    .default({}),
});
export type SalesforceIntegration = z.infer<typeof salesforceIntegrationSchema>;

export const salesforceSelectSchema = z.union([
  z
    .strictObject({
      /** Pull every record of this object that matches `where`: Lead, Contact, Account or `*__c`. */
      object: sourceObjectSchema,
      /** An admin-written SOQL condition, e.g. `Status = 'Open - Not Contacted' AND Country = 'US'`. */
      where: z.string().optional(),
      /**
       * Account sources only: business accounts (activities Related To the account, no do-not-call
       * field of their own) or person accounts (IsPersonAccount = true; activities name the person's
       * contact, PersonContactId; PersonDoNotCall). Default business.
       */
      accounts: z.enum(["business", "person"]).optional(),
    })
    .refine((select) => select.accounts === undefined || select.object === "Account", {
      message: "accounts (business | person) applies to object: Account only",
      path: ["accounts"],
    }),
  z.strictObject({
    /** Pull the Leads and Contacts that are members of this Campaign (its 15- or 18-char id). */
    campaignId: z.string().regex(/^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/, "expected a 15- or 18-character id"),
    /** Only members whose CampaignMember.Status is one of these. */
    memberStatuses: z.array(z.string()).optional(),
  }),
]);
export type SalesforceSelect = z.infer<typeof salesforceSelectSchema>;
