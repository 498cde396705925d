/**
 * How a failed CRM call should be handled. Every connector maps its vendor's errors to this with one
 * pure function, so retry decisions are made in one place and tested as a table.
 */
export type ErrorClass =
  /** Transient; `ambiguous` means the request may have been applied (timeout, reset, 5xx after send). */
  | { kind: "retry"; reason: string; ambiguous: boolean }
  /** The vendor asked us to slow down; wait `waitMs` then try again. `daily` pauses the integration. */
  | { kind: "rate-limited"; reason: string; waitMs: number; scope: "burst" | "daily" }
  /** Credentials rejected; refresh once, then retry. */
  | { kind: "auth"; reason: string }
  /** Retrying will not help; goes to the dead-letter queue with the CRM's message. */
  | { kind: "permanent"; reason: string; code?: string };

/** A configuration mistake: names the file, the path inside it, and the fix. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(
    readonly file: string,
    readonly problems: readonly { path: string; message: string }[],
  ) {
    super(
      `Invalid config ${file}:\n${problems.map((p) => `  - ${p.path || "(root)"}: ${p.message}`).join("\n")}`,
    );
  }
}

/** A CRM call failed; `classification` says what to do about it. */
export class CrmError extends Error {
  override readonly name = "CrmError";
  constructor(
    readonly classification: ErrorClass,
    options?: { cause?: unknown },
  ) {
    super(classification.reason, options);
  }
}
