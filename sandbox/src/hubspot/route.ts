import type { SandboxReply } from "./errors.js";

/** A request as routes see it; they parse each part with zod. */
export interface RouteInput {
  params: unknown;
  query: unknown;
  body: unknown;
}

/** One sandbox endpoint. `kind` names it in stats and fault matching (`{type}` = the object type). */
export interface RouteSpec {
  method: "GET" | "POST" | "PATCH";
  url: string;
  kind: string;
  /** Counts against the account's search limit (5/s). */
  search?: boolean;
  /** Default true: needs a bearer token and counts against the rate limits. */
  auth?: boolean;
  handler: (input: RouteInput) => SandboxReply;
}
