import { z } from "zod";
import { integrationSchemaWith } from "../../connectors/registry.js";
import { campaignCompliancePolicySchema } from "../compliance/campaign-policy.js";
import { countrySchema } from "../compliance/rules-schema.js";
import { mappableLeadFields } from "../model/lead.js";
import { apiKeysSchema } from "./api-keys.js";
import { durationSchema } from "./duration.js";
import { inboundSchema } from "./inbound-schema.js";
import { questionIdSchema, scriptSchema } from "./script-schema.js";

/** Ids used in keys, job ids and URLs: no `:` (BullMQ), no `/` (lead keys), not all digits. */
const idSchema = z
  .string()
  .regex(/^[a-zA-Z][a-zA-Z0-9_-]{0,63}$/, "expected letters, digits, - and _, starting with a letter");

export const transformSchema = z.enum(["trim", "lower", "upper", "title", "phone", "digits", "boolean"]);
export type Transform = z.infer<typeof transformSchema>;

const targetSchema = z.union([
  z.enum(mappableLeadFields),
  z.string().regex(/^extra\.[a-zA-Z][a-zA-Z0-9_]*$/, "expected a canonical lead field or extra.<name>"),
]);

/** One rule of a field mapping: CRM field(s) or a constant → a canonical lead field. */
export const fieldRuleSchema = z
  .strictObject({
    to: targetSchema,
    /** CRM field name (relationship paths such as `Account.Name` allowed). */
    from: z.string().optional(),
    /** Several CRM fields joined with `separator` (empty values skipped). */
    concat: z.array(z.string()).min(2).optional(),
    separator: z.string().default(" "),
    constant: z.union([z.string(), z.number(), z.boolean()]).optional(),
    transform: z.array(transformSchema).default([]),
    /** A record whose value for this rule is empty is skipped (and reported), not queued. */
    required: z.boolean().default(false),
  })
  .refine((rule) => [rule.from, rule.concat, rule.constant].filter((v) => v !== undefined).length === 1, {
    message: "give exactly one of from, concat or constant",
  });
export type FieldRule = z.infer<typeof fieldRuleSchema>;

export const fieldMappingSchema = z.strictObject({
  /** ISO country used to read phone numbers written without a country code. */
  defaultCountry: z
    .string()
    .regex(/^[A-Z]{2}$/, "expected an ISO 3166-1 alpha-2 code like US")
    .default("US"),
  fields: z.array(fieldRuleSchema).min(1),
});
export type FieldMapping = z.infer<typeof fieldMappingSchema>;

export const sourceSchema = z.strictObject({
  id: idSchema,
  integration: idSchema,
  campaign: idSchema,
  /** Name of an entry of `mappings`. */
  mapping: idSchema,
  /** How often the scheduler pulls; omit to sync only on demand (`telesync sync`). */
  every: durationSchema.optional(),
  /** Vendor-specific: what to pull (validated by the integration's connector). */
  select: z.record(z.string(), z.unknown()),
});
export type SourceConfig = z.infer<typeof sourceSchema>;

/** What happens to a lead after an outcome with a given disposition. */
export const dispositionPolicySchema = z.discriminatedUnion("action", [
  z.strictObject({ action: z.literal("done") }),
  z.strictObject({
    action: z.literal("retry"),
    delay: durationSchema,
    maxAttempts: z.number().int().positive(),
  }),
  z.strictObject({ action: z.literal("callback"), fallbackDelay: durationSchema.default(86_400_000) }),
  z.strictObject({ action: z.literal("suppress") }),
]);
export type DispositionPolicy = z.infer<typeof dispositionPolicySchema>;

/** Countries whose national do-not-call registry telesync screens against (a snapshot age rule each). */
export const registryCountries = ["US", "CA", "GB", "AU"] as const;

/**
 * A campaign's compliance policy (`campaigns.<id>.compliance`): calling days and hours, the policy for
 * numbers that give no location, the per-number frequency cap, required do-not-call registries and
 * the abandonment threshold. The gate only ever narrows what the law allows.
 *
 * Registries are required by default: a lead located in the US, Canada, the UK or Australia is called
 * only once it has been screened against a fresh snapshot of that country's registry
 * (`telesync registry import US <file> --date YYYY-MM-DD`), and is held until then. Leaving a country
 * unscreened takes an explicit choice with a reason: `requiredRegistries: none` (or a list without it)
 * and `unscreenedReason: "…"`; `telesync check` and start-up then say which countries are not screened.
 */
export const campaignComplianceSchema = campaignCompliancePolicySchema
  .extend({
    requiredRegistries: z.union([z.array(countrySchema), z.literal("none")]).default([...registryCountries]),
    /** Why some registry countries are not screened (required when `requiredRegistries` leaves any out). */
    unscreenedReason: z.string().trim().min(10, "give the reason in a sentence").optional(),
  })
  .superRefine((compliance, ctx) => {
    const unscreened = unscreenedRegistries(compliance.requiredRegistries);
    if (unscreened.length > 0 && compliance.unscreenedReason === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["requiredRegistries"],
        message: `leaves ${unscreened.join(", ")} unscreened against the national do-not-call registry: require ${unscreened.length > 1 ? "them" : "it"} (import a snapshot with \`telesync registry import\`) or say why not in unscreenedReason`,
      });
    }
  })
  .transform(({ requiredRegistries, ...rest }) => ({
    ...rest,
    requiredRegistries: requiredRegistries === "none" ? [] : requiredRegistries,
  }));

/** The registry countries a campaign does not screen against (`none` → all of them). */
export function unscreenedRegistries(required: readonly string[] | "none"): string[] {
  return registryCountries.filter((country) => required === "none" || !required.includes(country));
}

export const campaignSchema = z.strictObject({
  description: z.string().optional(),
  /** 1 (first) … 2,097,151; leads of a higher-priority campaign are not affected. */
  priority: z.number().int().min(1).max(2_097_151).optional(),
  lease: z.strictObject({ ttl: durationSchema.default(300_000) }).prefault({}),
  /** Per canonical disposition; dispositions not listed are `done`. */
  outcomes: z.record(z.string(), dispositionPolicySchema).default({}),
  compliance: campaignComplianceSchema.prefault({}),
  /** Questions the agent asks, branching by answer; outcomes may carry `answers` to them. */
  script: scriptSchema.optional(),
});
export type CampaignConfig = z.infer<typeof campaignSchema>;

/** Canonical disposition → the CRM's values, per integration. */
export const dispositionMappingSchema = z.strictObject({
  /** Salesforce CallDisposition text / HubSpot outcome GUID. */
  value: z.string(),
  /** Call status (Salesforce Task.Status, HubSpot hs_call_status). */
  callStatus: z.string().optional(),
  /** Lead record field updates, e.g. `{ Status: Working - Contacted }`. */
  leadUpdates: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  /** New CampaignMember.Status when the lead came from a Campaign. */
  memberStatus: z.string().optional(),
});

/**
 * A script answer → a field of the lead's CRM record, written beside the call's activity. `values`
 * maps an answer (an option, `yes` / `no`, a number as text) to the CRM's value; an answer it does
 * not list is written after `transform`.
 */
export const answerFieldSchema = z.strictObject({
  /** Salesforce field API name / HubSpot property name on the lead's object. */
  field: z.string().min(1),
  transform: z.array(transformSchema).default([]),
  values: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
});
export type AnswerFieldConfig = z.infer<typeof answerFieldSchema>;

/** An integration: its vendor's own block (from `connectors/registry.ts`) plus the disposition mapping. */
export const integrationSchema = integrationSchemaWith({
  dispositions: z.record(z.string(), dispositionMappingSchema).default({}),
  /** Script question id → the CRM field its answer is written to (any campaign's script). */
  answerFields: z.record(questionIdSchema, answerFieldSchema).default({}),
});
export type IntegrationConfig = z.infer<typeof integrationSchema>;

export const configSchema = z.strictObject({
  redis: z
    .strictObject({
      url: z.string().default("redis://127.0.0.1:6379"),
      /**
       * Every key lives under this prefix. With a hash tag (braces, the default) every key shares
       * one Redis Cluster slot, named as before tags; without one (e.g. `telesync`) each campaign,
       * integration, source and global family gets its own slot (`src/queues/keys.ts`).
       */
      prefix: z
        .string()
        .regex(/^[^:\s]+$/, "expected a prefix without ':' or spaces, e.g. {telesync}")
        .default("{telesync}"),
      /**
       * Redis Cluster: connect with ioredis `Cluster`, seeded from `url`, which may list several
       * nodes (`redis://10.0.0.1:7000,redis://10.0.0.2:7000`). Needs a prefix without a hash tag.
       */
      cluster: z.boolean().default(false),
    })
    .superRefine((redis, ctx) => {
      if (redis.cluster && /\{[^}]+\}/.test(redis.prefix)) {
        ctx.addIssue({
          code: "custom",
          path: ["prefix"],
          message: `"${redis.prefix}" is a hash tag, which puts every key in one cluster slot (one master does all the work): on a cluster use a prefix without braces, e.g. ${redis.prefix.replace(/[{}]/g, "") || "telesync"} (see docs/operations.md, "Redis Cluster")`,
        });
      }
      if (!redis.cluster && redis.url.includes(",")) {
        ctx.addIssue({
          code: "custom",
          path: ["url"],
          message:
            "lists several nodes, which only a Redis Cluster takes: set redis.cluster: true, or give one URL",
        });
      }
    })
    .prefault({}),
  integrations: z.record(idSchema, integrationSchema),
  mappings: z.record(idSchema, fieldMappingSchema),
  sources: z.array(sourceSchema).default([]),
  campaigns: z.record(idSchema, campaignSchema),
  /**
   * The canonical dispositions dialers may report. `abandoned` (a predictive dialer answered but no
   * agent was on the line within 2 s) feeds the campaign's abandonment guard.
   */
  dispositions: z
    .array(z.string().regex(/^[a-z][a-z0-9_]*$/, "expected snake_case"))
    .default([
      "connected",
      "no_answer",
      "busy",
      "voicemail",
      "wrong_number",
      "not_interested",
      "callback",
      "abandoned",
    ]),
  api: z
    .strictObject({
      host: z.string().default("127.0.0.1"),
      port: z.number().int().min(0).max(65_535).default(8080),
      /** The URL the CRM calls (behind a proxy): webhook signatures are computed over it. */
      publicUrl: z.url().optional(),
      /**
       * Bearer keys by name, value by reference, with scopes:
       * `- { name: dialer-main, key: ${DIALER_KEY}, scopes: [dialer] }`. See `apiKeysSchema`.
       */
      keys: apiKeysSchema,
      /**
       * Per API key, where the dialer wants to hear that an outcome it posted is final (written or
       * dead-lettered): a POST of the receipt signed with `webhookSecret` (HMAC-SHA256 of the body).
       */
      outcomeWebhooks: z
        .array(
          z.strictObject({
            apiKey: z.string().min(16),
            url: z.url({ protocol: /^https?$/ }),
            webhookSecret: z.string().min(16, "webhook secrets must be at least 16 characters"),
          }),
        )
        .default([]),
    })
    .prefault({}),
  /** Inbound calls (`POST /v1/calls`): how a caller's number is attributed to one lead. */
  inbound: inboundSchema,
  sync: z
    .strictObject({
      /** Jobs per addBulk call. */
      bulkSize: z.number().int().min(1).max(10_000).default(1_000),
      /**
       * How long a source's sync lock outlives a holder that stopped renewing it (crashed): a run
       * interrupted by a crash is resumed by the next attempt after at most this long.
       */
      lockTtl: durationSchema.default(15_000),
      /**
       * How long the change-stream leader's lock (one worker per integration follows Salesforce CDC)
       * outlives a leader that stopped renewing it: another worker takes over after at most this
       * long, resuming from the stored replay ids. Renewed every third of it.
       */
      changeStreamLockTtl: durationSchema.default(15_000),
    })
    .prefault({}),
});
export type TelesyncConfig = z.infer<typeof configSchema>;
