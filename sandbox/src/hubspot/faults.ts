import { z } from "zod";
import type { RatePolicy } from "./rate-limits.js";

export type FaultKind = "rate-limit" | "server-error" | "lost-response" | "invalid-token" | "timeout";

/** A fault to inject into the next `count` matching requests. */
export interface FaultSpec {
  kind: FaultKind;
  /** How many requests it hits; default 1. */
  count?: number | undefined;
  /** Which requests: HTTP method, a path (substring or RegExp), or a route kind such as `calls.batchCreate`. */
  match?:
    | { method?: string | undefined; path?: string | RegExp | undefined; kind?: string | undefined }
    | undefined;
  /** `rate-limit`: the 429's policy; default TEN_SECONDLY_ROLLING. */
  policy?: RatePolicy | undefined;
  /** `server-error`: the status; default 500. */
  status?: number | undefined;
  /** `rate-limit`: the `Retry-After` the 429 carries (ms, sent in whole seconds); default 1 s. */
  retryAfterMs?: number | undefined;
  /** `timeout`: how long the request hangs before its socket is destroyed; default 30 s. */
  delayMs?: number | undefined;
}

/** A fault as JSON (the sandbox control API, `POST /_sandbox/faults {vendor:"hubspot", …}`): paths are substrings. */
export const hubspotFaultSpecSchema = z.object({
  kind: z.enum(["rate-limit", "server-error", "lost-response", "invalid-token", "timeout"]),
  count: z.number().int().positive().optional(),
  match: z
    .object({ method: z.string().optional(), path: z.string().optional(), kind: z.string().optional() })
    .optional(),
  policy: z.enum(["TEN_SECONDLY_ROLLING", "SECONDLY", "DAILY"]).optional(),
  status: z.number().int().min(500).max(599).optional(),
  retryAfterMs: z.number().int().positive().optional(),
  delayMs: z.number().int().nonnegative().optional(),
});

interface Pending extends FaultSpec {
  remaining: number;
}

/**
 * Injected faults, consumed in order. `lost-response` applies the request and then drops the
 * connection (the caller cannot know it succeeded); `timeout` never answers.
 */
export class Faults {
  private pending: Pending[] = [];
  readonly fired: Record<FaultKind, number> = {
    "rate-limit": 0,
    "server-error": 0,
    "lost-response": 0,
    "invalid-token": 0,
    timeout: 0,
  };

  inject(spec: FaultSpec): void {
    this.pending.push({ ...spec, remaining: spec.count ?? 1 });
  }

  clear(): void {
    this.pending = [];
  }

  /** The fault for this request, if one matches (and is then used up once). */
  take(method: string, path: string, kind: string): FaultSpec | undefined {
    const fault = this.pending.find((f) => f.remaining > 0 && matches(f, method, path, kind));
    if (!fault) return undefined;
    fault.remaining--;
    this.fired[fault.kind]++;
    this.pending = this.pending.filter((f) => f.remaining > 0);
    return fault;
  }
}

function matches(fault: FaultSpec, method: string, path: string, kind: string): boolean {
  const match = fault.match;
  if (!match) return true;
  if (match.method && match.method.toUpperCase() !== method.toUpperCase()) return false;
  if (match.kind && match.kind !== kind) return false;
  if (match.path instanceof RegExp && !match.path.test(path)) return false;
  if (typeof match.path === "string" && !path.includes(match.path)) return false;
  return true;
}
