import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { z } from "zod";
import { ConsentError } from "../consent/consent-error.js";
import { LeaseError } from "../dialer/errors.js";
import { OutcomeConflictError } from "../outcomes/errors.js";

/** The one error shape of the HTTP API: a stable machine code, a sentence for people, optional details. */
export const errorBodySchema = z
  .object({
    error: z.string().describe("stable code, e.g. lease_not_held; safe to branch on"),
    message: z.string().describe("what went wrong, for people"),
    details: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .describe("per-field problems of a rejected request"),
  })
  .meta({ id: "Error" });

export type ErrorBody = z.infer<typeof errorBodySchema>;

/** A request the API refuses on purpose, with its status and stable code. */
export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: ErrorBody["details"],
  ) {
    super(message);
  }
}

/** Codes for statuses the framework answers itself: its internal `FST_ERR_*` codes never leak. */
const codeByStatus: Record<number, string> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  406: "not_acceptable",
  408: "request_timeout",
  409: "conflict",
  411: "length_required",
  413: "body_too_large",
  414: "uri_too_long",
  415: "unsupported_media_type",
  429: "too_many_requests",
};

/** Any error a route or the framework raised → status and the one error body. `undefined` = a 500. */
export function toErrorReply(error: unknown): { status: number; body: ErrorBody } | undefined {
  if (error instanceof ApiError) {
    return {
      status: error.status,
      body: {
        error: error.code,
        message: error.message,
        ...(error.details ? { details: error.details } : {}),
      },
    };
  }
  if (error instanceof LeaseError || error instanceof OutcomeConflictError || error instanceof ConsentError)
    return { status: error.status, body: { error: error.code, message: error.message } };
  if (hasZodFastifySchemaValidationErrors(error)) {
    const details = error.validation.map((issue) => ({
      path: `${error.validationContext ?? "body"}${issue.instancePath.replaceAll("/", ".")}`,
      message: issue.message ?? "invalid",
    }));
    return {
      status: 400,
      body: {
        error: "invalid_request",
        message: details.map((d) => `${d.path}: ${d.message}`).join("; "),
        details,
      },
    };
  }
  const framework = error as { statusCode?: number; code?: string; message?: string };
  if (framework.statusCode && framework.statusCode >= 400 && framework.statusCode < 500) {
    const code =
      framework.code && !framework.code.startsWith("FST_")
        ? framework.code
        : (codeByStatus[framework.statusCode] ?? "bad_request");
    // Fastify's messages name the rule broken (media type, length) without internals.
    return { status: framework.statusCode, body: { error: code, message: framework.message ?? code } };
  }
  return undefined;
}
