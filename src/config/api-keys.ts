import { createHash } from "node:crypto";
import { z } from "zod";

/**
 * What a key may do. `dialer`: lease, extend, release, report outcomes and opt leads or numbers out
 * (of its campaigns), and read the receipts of the outcomes it posted; `receipts-read-all`: read
 * every outcome's receipt (a reporting tool); `admin`: everything, including opt-ins, operations
 * routes and audit trails.
 */
export const apiScopeSchema = z.enum(["dialer", "receipts-read-all", "admin"]);
export type ApiScope = z.infer<typeof apiScopeSchema>;

const keyNameSchema = z
  .string()
  .regex(/^[a-zA-Z][a-zA-Z0-9_.-]{0,63}$/, "expected letters, digits, ., - and _, starting with a letter");
const campaignIdSchema = z.string().regex(/^[a-zA-Z][a-zA-Z0-9_-]{0,63}$/, "expected a campaign id");
const minimumKeyLength = 16;

/** SHA-256 of a key value (hex): all a process keeps of a key once the config is parsed. */
export function apiKeyHash(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex");
}

/**
 * One named key. `key` is a `${VAR}` reference, or two during a rotation (`[${NEW}, ${OLD:-}]`: both
 * are accepted until the old one is removed; an empty value, an unset `${OLD:-}`, is left out).
 */
const namedKeySchema = z.strictObject({
  name: keyNameSchema,
  key: z.union([z.string(), z.array(z.string()).min(1).max(2)]),
  scopes: z.array(apiScopeSchema).min(1),
  /** Restrict a dialer key to these campaigns (default: every campaign). */
  campaigns: z.array(campaignIdSchema).min(1).optional(),
});

/** A key as the process holds it: hashes of its values, never the values. */
export interface ApiKeyConfig {
  name: string;
  keyHashes: string[];
  scopes: ApiScope[];
  campaigns?: string[];
  /** Written in the old shape (a bare `- ${VAR}`): an admin key named `key-<n>`. */
  legacy?: true;
}

/** `api.keys`: named keys with scopes; the old bare form (`- ${VAR}`) is still read as an admin key. */
export const apiKeysSchema = z
  .array(z.union([z.string(), namedKeySchema]))
  .default([])
  .superRefine((entries, ctx) => {
    const names = new Set<string>();
    entries.forEach((entry, i) => {
      const values = typeof entry === "string" ? [entry] : [entry.key].flat().filter((v) => v !== "");
      if (values.length === 0) ctx.addIssue({ code: "custom", path: [i, "key"], message: "no key value" });
      values.forEach((value) => {
        if (value.length < minimumKeyLength) {
          ctx.addIssue({
            code: "custom",
            path: typeof entry === "string" ? [i] : [i, "key"],
            message: `API keys must be at least ${minimumKeyLength} characters`,
          });
        }
      });
      const name = typeof entry === "string" ? `key-${i + 1}` : entry.name;
      if (names.has(name))
        ctx.addIssue({ code: "custom", path: [i, "name"], message: `duplicate key name "${name}"` });
      names.add(name);
    });
  })
  .transform((entries): ApiKeyConfig[] =>
    entries.map((entry, i) =>
      typeof entry === "string"
        ? { name: `key-${i + 1}`, keyHashes: [apiKeyHash(entry)], scopes: ["admin"], legacy: true }
        : {
            name: entry.name,
            keyHashes: [entry.key]
              .flat()
              .filter((v) => v !== "")
              .map(apiKeyHash),
            scopes: entry.scopes,
            ...(entry.campaigns ? { campaigns: entry.campaigns } : {}),
          },
    ),
  );
