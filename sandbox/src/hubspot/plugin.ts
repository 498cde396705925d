import type { Socket } from "node:net";
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { hubspotError, rateLimited, type SandboxReply, serverError, unauthorized } from "./errors.js";
import type { RouteSpec } from "./route.js";
import { miscRoutes } from "./routes-misc.js";
import { readRoutes } from "./routes-read.js";
import { schemaRoutes } from "./routes-schemas.js";
import { searchRoutes } from "./routes-search.js";
import { writeRoutes } from "./routes-write.js";
import type { HubspotSandbox } from "./sandbox.js";
import { ReplyError } from "./wire.js";

function kindOf(route: RouteSpec, params: unknown): string {
  const type = (params as { objectType?: string } | undefined)?.objectType ?? "objects";
  return route.kind.replace("{type}", type);
}

/**
 * Auth, rate limits and faults around a route, in HubSpot's order: an injected fault, then the
 * bearer token (401), then the limits (429), then the route. `lost-response` runs the route and
 * drops the connection; `timeout` holds the request until its socket is destroyed.
 */
function serve(sandbox: HubspotSandbox, route: RouteSpec, held: Set<Socket>) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const kind = kindOf(route, request.params);
    const path = request.url.split("?")[0] ?? request.url;
    const fault = sandbox.faults.take(request.method, path, kind);
    const socket = request.raw.socket;
    if (fault?.kind === "timeout") {
      sandbox.record(kind, 0);
      reply.hijack();
      held.add(socket);
      socket.once("close", () => held.delete(socket));
      setTimeout(() => socket.destroy(), fault.delayMs ?? 30_000).unref();
      return;
    }
    const guarded = route.auth !== false;
    let answer: SandboxReply | undefined;
    let policy: string | undefined;
    if (fault?.kind === "rate-limit") {
      policy = fault.policy ?? "TEN_SECONDLY_ROLLING";
      answer = rateLimited(
        fault.policy ?? "TEN_SECONDLY_ROLLING",
        sandbox.options.retryAfter ? (fault.retryAfterMs ?? 1_000) : undefined,
      );
    } else if (fault?.kind === "server-error") {
      answer = serverError(fault.status ?? 500);
    } else if (fault?.kind === "invalid-token") {
      answer = unauthorized(true);
    }
    if (!answer && guarded) answer = sandbox.authenticate(request.headers.authorization);
    if (!answer && guarded) {
      const admission = sandbox.limits.admit(route.search === true, sandbox.now());
      if (!admission.ok) {
        policy = admission.policy;
        answer = rateLimited(
          admission.policy,
          sandbox.options.retryAfter ? admission.retryAfterMs : undefined,
        );
      }
    }
    if (!answer) {
      try {
        answer = route.handler({ params: request.params, query: request.query, body: request.body });
      } catch (error) {
        if (!(error instanceof ReplyError)) throw error;
        answer = error.reply;
      }
    }
    sandbox.record(kind, fault?.kind === "lost-response" ? 0 : answer.status, policy);
    if (fault?.kind === "lost-response") {
      reply.hijack();
      socket.destroy();
      return;
    }
    const headers = { ...(guarded ? sandbox.limits.headers() : {}), ...answer.headers };
    await reply.code(answer.status).headers(headers).send(answer.body);
  };
}

function register(
  app: FastifyInstance,
  sandbox: HubspotSandbox,
  routes: RouteSpec[],
  held: Set<Socket>,
): void {
  for (const route of routes)
    app.route({ method: route.method, url: route.url, handler: serve(sandbox, route, held) });
}

/**
 * The HubSpot CRM v3 subset telesync uses, served from `sandbox`. Mount it with
 * `app.register(hubspotSandboxPlugin(sandbox), { prefix: "/hubspot" })`; the SDK's `basePath` is then
 * `http://127.0.0.1:PORT/hubspot`.
 */
export function hubspotSandboxPlugin(sandbox: HubspotSandbox): FastifyPluginAsync {
  return async (app) => {
    const held = new Set<Socket>();
    app.addContentTypeParser(
      "application/x-www-form-urlencoded",
      { parseAs: "string" },
      (_request, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(String(body))));
      },
    );
    app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
      const answer =
        error.statusCode !== undefined && error.statusCode < 500
          ? hubspotError(error.statusCode, "VALIDATION_ERROR", error.message)
          : serverError(500);
      void reply.code(answer.status).send(answer.body);
    });
    app.setNotFoundHandler((request, reply) => {
      const answer = hubspotError(404, "OBJECT_NOT_FOUND", `No route for ${request.method} ${request.url}`);
      void reply.code(404).send(answer.body);
    });
    app.addHook("preClose", async () => {
      for (const socket of held) socket.destroy();
    });
    register(
      app,
      sandbox,
      [
        ...readRoutes(sandbox),
        ...writeRoutes(sandbox),
        ...searchRoutes(sandbox),
        ...miscRoutes(sandbox),
        ...schemaRoutes(sandbox),
      ],
      held,
    );
  };
}
