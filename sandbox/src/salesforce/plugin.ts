import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { ZodError } from "zod";
import { invalidSession, notFound, SalesforceApiError } from "./errors.js";
import type { ActiveFault } from "./faults.js";
import { apiVersion, kindOf, type RouteContext } from "./http.js";
import { authRoutes } from "./routes-auth.js";
import { queryRoutes } from "./routes-query.js";
import { searchRoutes } from "./routes-search.js";
import { sobjectRoutes } from "./routes-sobject.js";
import { writeRoutes } from "./routes-write.js";
import type { SalesforceSandbox } from "./sandbox.js";

const LIMIT_EXCEEDED = [{ message: "TotalRequests Limit exceeded.", errorCode: "REQUEST_LIMIT_EXCEEDED" }];

function bearer(request: FastifyRequest): string | undefined {
  const m = /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(request.headers.authorization ?? "");
  return m?.[1];
}

/** The error answer of a fault; the token endpoint answers in OAuth's `{error, error_description}` shape. */
function faultAnswer(fault: ActiveFault, token: boolean): { status: number; body: unknown } | undefined {
  switch (fault.kind) {
    case "rate-limit":
      return {
        status: fault.status ?? 403,
        body: token
          ? { error: "rate_limit_exceeded", error_description: "TotalRequests Limit exceeded." }
          : LIMIT_EXCEEDED,
      };
    case "server-error": {
      const status = fault.status ?? 500;
      const message = status === 503 ? "Server temporarily unavailable" : "An unexpected error occurred.";
      const code = status === 503 ? "SERVER_UNAVAILABLE" : "UNKNOWN_EXCEPTION";
      return {
        status,
        body: token ? { error: "server_error", error_description: message } : [{ message, errorCode: code }],
      };
    }
    case "invalid-session":
      return token
        ? { status: 400, body: { error: "invalid_grant", error_description: "expired access/refresh token" } }
        : { status: 401, body: invalidSession().body() };
    default:
      return undefined;
  }
}

/**
 * The Salesforce REST subset, to be registered with prefix `/services`. Hooks here (auth, API usage,
 * faults, error bodies) stay inside this plugin's scope and never touch other vendors' routes.
 */
export function salesforcePlugin(sandbox: SalesforceSandbox) {
  return async (app: FastifyInstance): Promise<void> => {
    const lost = new WeakSet<FastifyRequest>();
    const locked = new WeakSet<FastifyRequest>();
    const ctx: RouteContext = { app, sandbox, isLocked: (r) => locked.has(r) };

    app.addContentTypeParser(
      "application/x-www-form-urlencoded",
      { parseAs: "string" },
      (_req, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(String(body))));
      },
    );

    app.addHook("onRequest", async (request) => {
      const k = kindOf(request);
      if (k) sandbox.requests.record(k);
    });

    app.addHook("preHandler", async (request: FastifyRequest, reply: FastifyReply) => {
      const k = kindOf(request);
      if (!k) return;
      if (k !== "token") {
        apiVersion(request);
        if (!sandbox.auth.isValid(bearer(request))) throw invalidSession();
        if (sandbox.requests.apiUsage > sandbox.apiLimit) return reply.code(403).send(LIMIT_EXCEEDED);
      }
      const fault = sandbox.faults.take(k);
      if (!fault) return;
      const answer = faultAnswer(fault, k === "token");
      if (answer) {
        if (fault.kind === "rate-limit" && fault.retryAfterSeconds !== undefined) {
          reply.header("Retry-After", String(fault.retryAfterSeconds));
        }
        return reply.code(answer.status).send(answer.body);
      }
      if (fault.kind === "timeout" && (await sandbox.faults.hold(fault.delayMs))) {
        request.raw.socket.destroy();
        return reply.hijack();
      }
      if (fault.kind === "lost-response") lost.add(request);
      if (fault.kind === "unable-to-lock") locked.add(request);
    });

    app.addHook("onSend", async (request, reply, payload) => {
      if (kindOf(request) !== "token") {
        reply.header("Sforce-Limit-Info", `api-usage=${sandbox.requests.apiUsage}/${sandbox.apiLimit}`);
      }
      // The work is done; dropping the connection now leaves the client unsure whether it was applied.
      if (lost.has(request)) request.raw.socket.destroy();
      return payload;
    });

    app.setNotFoundHandler((_request, reply) => {
      reply.code(404).send(notFound().body());
    });

    app.setErrorHandler((error: FastifyError | Error, _request, reply) => {
      if (error instanceof SalesforceApiError) return reply.code(error.status).send(error.body());
      if (error instanceof ZodError) {
        const issue = error.issues[0];
        const message = issue
          ? `${issue.path.join(".") || "body"}: ${issue.message}`
          : "invalid request body";
        return reply.code(400).send([{ message, errorCode: "JSON_PARSER_ERROR" }]);
      }
      const status = "statusCode" in error && error.statusCode ? error.statusCode : 500;
      if (status === 415) {
        return reply.code(415).send([{ message: error.message, errorCode: "UNSUPPORTED_MEDIA_TYPE" }]);
      }
      if (status >= 400 && status < 500) {
        return reply.code(400).send([{ message: error.message, errorCode: "JSON_PARSER_ERROR" }]);
      }
      return reply.code(500).send([{ message: error.message, errorCode: "UNKNOWN_EXCEPTION" }]);
    });

    authRoutes(ctx);
    queryRoutes(ctx);
    searchRoutes(ctx);
    sobjectRoutes(ctx);
    writeRoutes(ctx);
  };
}
