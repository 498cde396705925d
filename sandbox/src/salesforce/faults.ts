import { z } from "zod";
import { createRng } from "./rng.js";
import { KIND_FAMILIES, type KindFamily, REQUEST_KINDS, type RequestKind } from "./stats.js";

const kindOrFamily = z.enum([...REQUEST_KINDS, ...(Object.keys(KIND_FAMILIES) as KindFamily[])]);

/** A fault to inject; also the body of `POST /_sandbox/faults` (plus `vendor`). */
export const faultSpecSchema = z.object({
  kind: z.enum([
    "rate-limit",
    "server-error",
    "timeout",
    "lost-response",
    "invalid-session",
    "unable-to-lock",
  ]),
  /** How many matching requests it affects. */
  count: z.number().int().positive().default(1),
  /** A request kind or family (`query`, `composite`, `write`, `any`, …), and/or a chance per request. */
  match: z
    .union([
      kindOrFamily,
      z.object({ kind: kindOrFamily.optional(), probability: z.number().min(0).max(1).optional() }),
    ])
    .optional(),
  /** rate-limit: 403 (REQUEST_LIMIT_EXCEEDED, default) or 429; server-error: 500 (default), 502 or 503. */
  status: z.number().int().optional(),
  /** timeout: hold the request this long, then answer normally; omitted = no answer until the server closes. */
  delayMs: z.number().int().nonnegative().optional(),
  /** rate-limit with status 429: the Retry-After header, in seconds. */
  retryAfterSeconds: z.number().int().nonnegative().optional(),
});
export type FaultSpec = z.input<typeof faultSpecSchema>;
export type ActiveFault = z.output<typeof faultSpecSchema>;
export type FaultKind = ActiveFault["kind"];

interface Rule {
  readonly fault: ActiveFault;
  readonly kinds: ReadonlySet<RequestKind>;
  readonly probability: number;
  remaining: number;
}

/** Where a fault applies when `match` names no kind: lock errors only make sense on collection writes. */
const DEFAULT_MATCH: Partial<Record<FaultKind, KindFamily>> = { "unable-to-lock": "composite" };

function kindsOf(name: RequestKind | KindFamily): ReadonlySet<RequestKind> {
  return new Set(name in KIND_FAMILIES ? KIND_FAMILIES[name as KindFamily] : [name as RequestKind]);
}

/** Injected faults, consumed by matching requests in injection order; one fault per request. */
export class FaultEngine {
  private rules: Rule[] = [];
  private readonly held = new Set<() => void>();
  private readonly dice: () => number;

  constructor(seed: number) {
    this.dice = createRng(seed);
  }

  inject(spec: FaultSpec): void {
    const fault = faultSpecSchema.parse(spec);
    const match = typeof fault.match === "string" ? { kind: fault.match } : (fault.match ?? {});
    this.rules.push({
      fault,
      kinds: kindsOf(match.kind ?? DEFAULT_MATCH[fault.kind] ?? "any"),
      probability: match.probability ?? 1,
      remaining: fault.count,
    });
  }

  clear(): void {
    this.rules = [];
  }

  /** The fault this request suffers, if any; consumes one of its count. */
  take(kind: RequestKind): ActiveFault | undefined {
    for (const rule of this.rules) {
      if (rule.remaining <= 0 || !rule.kinds.has(kind)) continue;
      if (rule.probability < 1 && this.dice() >= rule.probability) continue;
      rule.remaining -= 1;
      this.rules = this.rules.filter((r) => r.remaining > 0);
      return rule.fault;
    }
    return undefined;
  }

  /** Waits `ms`, or until `releaseAll` when `ms` is undefined. Resolves true if the wait was cut short. */
  hold(ms: number | undefined): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(() => done(false), ms);
      const release = () => done(true);
      const done = (released: boolean) => {
        if (timer) clearTimeout(timer);
        this.held.delete(release);
        resolve(released);
      };
      this.held.add(release);
    });
  }

  releaseAll(): void {
    for (const release of [...this.held]) release();
  }
}
